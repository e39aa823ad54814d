-- Real data on a fresh install: provenance on every value, every table symbol's reason kept,
-- uncatalogued measures, targets with an owner, and the service's own settings.

-- Provenance: each submission is official data, a council's return, or the illustrative set.
ALTER TABLE submissions DROP CONSTRAINT submissions_kind_check;
UPDATE submissions SET kind = CASE kind
    WHEN 'seed' THEN 'illustrative'
    WHEN 'ascof_official' THEN 'official'
    WHEN 'regional_template' THEN 'council_return'
    ELSE kind END;
ALTER TABLE submissions ADD CONSTRAINT submissions_kind_check
    CHECK (kind IN ('official', 'council_return', 'illustrative'));

-- Why a value is missing, by the GSS symbol the file used.
ALTER TABLE observations DROP CONSTRAINT observations_status_check;
ALTER TABLE observations DROP CONSTRAINT observations_check;
ALTER TABLE observations ADD CONSTRAINT observations_status_check
    CHECK (status IN ('provisional', 'final', 'suppressed', 'not_available', 'not_applicable',
                      'low', 'low_reliability'));
ALTER TABLE observations ADD CONSTRAINT observations_value_status_check
    CHECK ((value IS NULL) = (status NOT IN ('provisional', 'final')));

-- Measures an official file carries that the catalogue did not know: imported with the file's
-- title, unit and polarity unknown (so no better or worse is claimed) until an analyst sets them.
ALTER TABLE measures DROP CONSTRAINT measures_unit_check;
ALTER TABLE measures ADD CONSTRAINT measures_unit_check
    CHECK (unit IN ('percent', 'rate', 'score', 'currency', 'count', 'days', 'ratio', 'unknown'));
ALTER TABLE measures ADD COLUMN catalogued boolean NOT NULL DEFAULT true;

-- Targets are facts with an owner: set by an analyst, published nationally, or illustrative
-- (the seed catalogue's, used only with illustrative values).
ALTER TABLE measure_targets ADD COLUMN source text NOT NULL DEFAULT 'analyst'
    CHECK (source IN ('analyst', 'national', 'illustrative'));
ALTER TABLE measure_targets ADD COLUMN set_by text NOT NULL DEFAULT '';
ALTER TABLE measure_targets ADD COLUMN set_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE measure_targets DROP CONSTRAINT measure_targets_measure_code_ons_code_period_code_key;
ALTER TABLE measure_targets ADD CONSTRAINT measure_targets_one_per_scope
    UNIQUE NULLS NOT DISTINCT (measure_code, ons_code, period_code, source);
INSERT INTO measure_targets (measure_code, target, amber_tolerance, tolerance_kind, source, set_by)
SELECT code, target, COALESCE(amber_tolerance, 0), COALESCE(tolerance_kind, 'absolute'),
       'illustrative', 'seed catalogue'
FROM measures WHERE target IS NOT NULL;
ALTER TABLE measures DROP COLUMN target;

-- Illustrative and real values never mix: once any real submission exists, the illustrative
-- set's are left out of everything that reads current values. One rule, in one view.
CREATE VIEW shown_submissions AS
SELECT s.* FROM submissions s
WHERE s.status = 'current'
  AND (s.kind <> 'illustrative'
       OR NOT EXISTS (SELECT 1 FROM submissions r WHERE r.kind <> 'illustrative'));

DROP VIEW current_observations;
CREATE VIEW current_observations AS
SELECT DISTINCT ON (o.measure_code, o.period_code, o.area_code, o.disaggregation)
       o.*, s.kind AS provenance
FROM observations o
JOIN shown_submissions s ON s.id = o.submission_id
ORDER BY o.measure_code, o.period_code, o.area_code, o.disaggregation, o.submission_id DESC;

-- The illustrative set's commentary follows the same rule as its values.
CREATE VIEW shown_commentary AS
SELECT c.* FROM commentary c
WHERE c.author <> 'illustrative seed data'
   OR NOT EXISTS (SELECT 1 FROM submissions r WHERE r.kind <> 'illustrative');

CREATE INDEX submissions_kind ON submissions (kind);

-- The service's own facts: the shipped reference's fingerprint, whether the illustrative set
-- was removed (so that it is not loaded again).
CREATE TABLE settings (
    key         text PRIMARY KEY,
    value       text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One version counter for everything an analysis reads. Every writing transaction bumps it
-- once, at commit (a deferred trigger, so that the new version and the new data become visible
-- together and the row is locked only for an instant), and notifies listeners.
CREATE TABLE data_version (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version    bigint NOT NULL
);
INSERT INTO data_version (version) VALUES (1);

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('scorecard.version_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE data_version SET version = version + 1;
        PERFORM set_config('scorecard.version_bumped', txid_current()::text, true);
        PERFORM pg_notify('scorecard_data_version', '');
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['submissions', 'areas', 'authorities', 'comparator_groups',
        'comparator_group_members', 'measures', 'measure_aliases', 'measure_targets', 'commentary']
    LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER bump_data_version AFTER INSERT OR UPDATE OR DELETE ON %I
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version()', t);
    END LOOP;
END
$$;
