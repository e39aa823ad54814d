-- The balanced scorecard's classification (seed 002): an ASCOF measure is an outcome measure
-- unless the catalogue gives the reason it is counted as another type.
ALTER TABLE measures ADD COLUMN type_reason text CHECK (length(type_reason) BETWEEN 1 AND 500);

UPDATE measures SET type_reason =
    'It counts how support is arranged (self-directed), a process the council controls, rather than what the support achieves for the person.'
WHERE code IN ('1C1A', '1C1B') AND measure_type <> 'outcome';
UPDATE measures SET type_reason =
    'It counts how support is paid for (direct payments), a process the council controls, rather than what the support achieves for the person.'
WHERE code IN ('1C2A', '1C2B') AND measure_type <> 'outcome';
UPDATE measures SET type_reason =
    'It counts the reach of reablement (older people offered it on discharge); its outcome is 2B1, those still at home 91 days later.'
WHERE code = '2B2' AND measure_type <> 'outcome';
-- Any other non-outcome ASCOF measure an earlier catalogue made keeps working but says so.
UPDATE measures SET type_reason = 'Not yet given: classified before reasons were recorded.'
WHERE tier = 'ascof' AND measure_type <> 'outcome' AND type_reason IS NULL;

ALTER TABLE measures ADD CONSTRAINT measures_ascof_type_reason
    CHECK (tier <> 'ascof' OR measure_type = 'outcome' OR type_reason IS NOT NULL);
