-- The respondents behind a survey estimate (the official files' `Base`): shown beside the value,
-- since its numerator and denominator are weighted population estimates, not people who answered.
ALTER TABLE observations ADD COLUMN base numeric CHECK (base >= 0);

-- The views list the observation's columns as they were when made: made again to carry it.
DROP VIEW current_observations;
CREATE VIEW current_observations AS
SELECT DISTINCT ON (o.measure_code, o.period_code, o.area_code, o.disaggregation)
       o.*, s.kind AS provenance
FROM observations o
JOIN shown_submissions s ON s.id = o.submission_id
ORDER BY o.measure_code, o.period_code, o.area_code, o.disaggregation, o.submission_id DESC;

DROP VIEW published_observations;
CREATE VIEW published_observations AS
SELECT DISTINCT ON (o.measure_code, o.period_code, o.area_code, o.disaggregation)
       o.*, s.kind AS provenance, p.published_at
FROM publications p
JOIN publication_submissions ps ON ps.publication_id = p.id
JOIN submissions s ON s.id = ps.submission_id
JOIN observations o ON o.submission_id = s.id AND o.period_code = p.period_code
WHERE p.ended_at IS NULL
  AND (s.kind <> 'illustrative'
       OR NOT EXISTS (SELECT 1 FROM submissions r WHERE r.kind <> 'illustrative'))
ORDER BY o.measure_code, o.period_code, o.area_code, o.disaggregation, o.submission_id DESC;
