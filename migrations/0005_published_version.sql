-- The published data version: public pages, their ETags and their cache are keyed by it, so
-- that a council's draft, an upload or an unpublished import neither changes the public's
-- validators nor flushes the public cache. Bumped once per transaction, at commit, by the
-- writes the public can see: publications, the catalogue and reference tables, commentary that
-- is or was published, and any submission while the illustrative set exists (the first real
-- file hides it from the public).
ALTER TABLE data_version ADD COLUMN published bigint NOT NULL DEFAULT 1;

CREATE FUNCTION bump_published_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN '{}'::jsonb ELSE to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN '{}'::jsonb ELSE to_jsonb(NEW) END;
BEGIN
    IF TG_TABLE_NAME = 'commentary' THEN
        IF (old_row ->> 'status') IS DISTINCT FROM 'published'
           AND (new_row ->> 'status') IS DISTINCT FROM 'published' THEN
            RETURN NULL;
        END IF;
    ELSIF TG_TABLE_NAME = 'submissions' THEN
        IF (old_row ->> 'kind') IS DISTINCT FROM 'illustrative'
           AND (new_row ->> 'kind') IS DISTINCT FROM 'illustrative'
           AND NOT EXISTS (SELECT 1 FROM submissions WHERE kind = 'illustrative') THEN
            RETURN NULL;
        END IF;
    END IF;
    IF current_setting('scorecard.published_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE data_version SET published = published + 1;
        PERFORM set_config('scorecard.published_bumped', txid_current()::text, true);
        PERFORM pg_notify('scorecard_data_version', '');
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['publications', 'publication_submissions', 'submissions', 'areas',
        'authorities', 'comparator_groups', 'comparator_group_members', 'measures',
        'measure_aliases', 'measure_targets', 'commentary']
    LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER bump_published_version AFTER INSERT OR UPDATE OR DELETE ON %I
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_published_version()', t);
    END LOOP;
END
$$;
