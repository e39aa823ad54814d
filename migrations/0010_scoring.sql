-- How concerns are graded and councils scored (risk::concerns::Scoring): one current row, edited
-- by the analyst, every earlier version kept. '{}' is the defaults.
CREATE TABLE risk_scoring (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    params      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(params) = 'object'),
    version     integer NOT NULL DEFAULT 1,
    updated_by  text NOT NULL DEFAULT 'migration 0010',
    updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO risk_scoring DEFAULT VALUES;

CREATE TABLE risk_scoring_versions (
    version     integer PRIMARY KEY,
    params      jsonb NOT NULL,
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL
);
