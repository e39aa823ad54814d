-- A council's improvement themes (seed 002, 12-13): a theme, the measures it covers, a named
-- director, an action plan and its progress, kept by the council's users. Every edit is a new
-- version; the latest is shown.
CREATE TABLE improvement_themes (
    id          bigserial PRIMARY KEY,
    ons_code    text NOT NULL REFERENCES authorities (ons_code),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE improvement_theme_versions (
    id           bigserial PRIMARY KEY,
    theme_id     bigint NOT NULL REFERENCES improvement_themes (id),
    version      integer NOT NULL CHECK (version > 0),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    measures     text[] NOT NULL,
    director     text NOT NULL CHECK (length(director) BETWEEN 1 AND 200),
    plan         text NOT NULL CHECK (length(plan) BETWEEN 1 AND 5000),
    progress     text NOT NULL CHECK (length(progress) <= 5000),
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (theme_id, version)
);

CREATE CONSTRAINT TRIGGER bump_records_version AFTER INSERT OR UPDATE OR DELETE ON improvement_themes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_records_version();
CREATE CONSTRAINT TRIGGER bump_records_version AFTER INSERT OR UPDATE OR DELETE ON improvement_theme_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_records_version();
