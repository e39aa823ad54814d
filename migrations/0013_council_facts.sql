-- The regional facts the analyst keeps about each council (Regional Account governance facts),
-- each with its source and the date it was true. Every recording is a new row: the latest per
-- council and kind is current, the earlier ones stay as its history. Shown on the public council
-- page, so a recording bumps the published version as well as the records version.
CREATE TABLE council_facts (
    id           bigserial PRIMARY KEY,
    ons_code     text NOT NULL REFERENCES authorities (ons_code),
    kind         text NOT NULL CHECK (kind IN ('dass_since', 'dass_changes', 'political_control',
                                              'control_changes', 'savings_required')),
    value        text NOT NULL CHECK (length(value) BETWEEN 1 AND 100),
    source       text NOT NULL CHECK (length(source) BETWEEN 1 AND 300),
    as_of        date NOT NULL,
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX council_facts_current ON council_facts (ons_code, kind, id DESC);

CREATE CONSTRAINT TRIGGER bump_records_version AFTER INSERT OR UPDATE OR DELETE ON council_facts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_records_version();
CREATE CONSTRAINT TRIGGER bump_published_version AFTER INSERT OR UPDATE OR DELETE ON council_facts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_published_version();
