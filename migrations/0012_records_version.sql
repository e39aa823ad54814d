-- The records version: bumped once per transaction, at commit, by every write to the service's
-- own records that signed-in pages show (the risk catalogue and scoring, intelligence, thematic
-- reviews and self-assessments, assessments, data-quality clearances and warnings, collection
-- rounds and uploads, the TEASC sections, settings). Signed-in pages are kept per data version
-- and records version, so a write to any of them makes the next signed-in read fresh, while the
-- analyses (keyed by the data version alone: values, catalogue, reference) stay computed.
-- Sessions, sign-in attempts and links, users and the audit log bump nothing: pages that show
-- them (users, the audit log) are never kept.
ALTER TABLE data_version ADD COLUMN records bigint NOT NULL DEFAULT 1;

CREATE FUNCTION bump_records_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('scorecard.records_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE data_version SET records = records + 1;
        PERFORM set_config('scorecard.records_bumped', txid_current()::text, true);
        PERFORM pg_notify('scorecard_data_version', '');
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['assessments', 'assessment_entries', 'intelligence',
        'query_clearances', 'value_warnings', 'risk_scoring', 'risk_scoring_versions', 'rounds',
        'uploads', 'self_assessments', 'themes', 'theme_criteria', 'triggers', 'trigger_versions',
        'trigger_headings', 'teasc_sections', 'settings', 'domains', 'periods',
        'publication_measures', 'publication_revisions']
    LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER bump_records_version AFTER INSERT OR UPDATE OR DELETE ON %I
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_records_version()', t);
    END LOOP;
END
$$;
