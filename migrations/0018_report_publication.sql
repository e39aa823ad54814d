-- The Board chooses whether an issue of the annual report is published: the public then reads
-- its summary (never a council's judgement).
ALTER TABLE annual_reports ADD COLUMN published boolean NOT NULL DEFAULT false;
-- The public summary is published data: a change bumps the published version.
CREATE CONSTRAINT TRIGGER bump_published_version AFTER INSERT OR UPDATE OR DELETE ON annual_reports
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_published_version();
