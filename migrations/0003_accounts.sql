-- Accounts, publication, council returns, collection rounds and the audit log.

-- People who sign in. A council user belongs to one council; analysts and admins to none.
CREATE TABLE users (
    id             bigserial PRIMARY KEY,
    email          text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    role           text NOT NULL CHECK (role IN ('analyst', 'council', 'admin')),
    ons_code       text REFERENCES authorities (ons_code),
    password_hash  text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    disabled_at    timestamptz,
    UNIQUE (email),
    CHECK ((role = 'council') = (ons_code IS NOT NULL))
);

-- One-time sign-in links (for a first password, or a reset); only a hash of the token is kept.
CREATE TABLE sign_in_links (
    token_sha256  text PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);

-- Sessions (tower-sessions records), shared by every instance and surviving a restart.
CREATE TABLE sessions (
    id          text PRIMARY KEY,
    data        jsonb NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed sign-ins, for throttling per account and per address.
CREATE TABLE sign_in_failures (
    id       bigserial PRIMARY KEY,
    email    text NOT NULL,
    address  text NOT NULL,
    at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, at);

-- Every write: who, when, what, before and after.
CREATE TABLE audit_log (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor    text NOT NULL,
    action   text NOT NULL,
    object   text NOT NULL,
    before   jsonb,
    after    jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);

-- Publishing a period makes public exactly the submissions in force at that moment, and the
-- commentary submitted for it. A later revision is public only when the period is published
-- again. At most one publication of a period is live; ended ones stay as history.
CREATE TABLE publications (
    id            bigserial PRIMARY KEY,
    period_code   text NOT NULL REFERENCES periods (code),
    published_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_by  text NOT NULL,
    ended_at      timestamptz,
    ended_by      text,
    ended_how     text CHECK (ended_how IN ('withdrawn', 'republished')),
    CHECK ((ended_at IS NULL) = (ended_how IS NULL))
);
CREATE UNIQUE INDEX publications_live ON publications (period_code) WHERE ended_at IS NULL;

CREATE TABLE publication_submissions (
    publication_id  bigint NOT NULL REFERENCES publications (id),
    submission_id   bigint NOT NULL REFERENCES submissions (id),
    PRIMARY KEY (publication_id, submission_id)
);

-- The values the public sees: for each live publication, the latest of the submissions it
-- made public; the illustrative set never beside real data.
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

-- Commentary (one per council, domain and year): a revision is published with its year or any
-- of its quarters (status 'published', stamped with the publication); the public sees it while
-- a period of that year is published.
ALTER TABLE commentary ADD COLUMN publication_id bigint REFERENCES publications (id);

CREATE VIEW published_commentary AS
SELECT c.* FROM shown_commentary c
JOIN periods cp ON cp.code = c.period_code
WHERE c.status = 'published'
  AND EXISTS (SELECT 1 FROM publications p JOIN periods pp ON pp.code = p.period_code
              WHERE p.ended_at IS NULL AND pp.year_start = cp.year_start);

-- A council's quarterly return, from upload to decision. Every upload is kept: a draft until
-- the council submits it; the analyst accepts it (it becomes a submission revision) or sends
-- it back with a reason. Files the analyst checks on the site are uploads without a council.
ALTER TABLE uploads
    ADD COLUMN ons_code       text REFERENCES authorities (ons_code),
    ADD COLUMN uploaded_by    text NOT NULL DEFAULT 'web upload',
    ADD COLUMN status         text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'submitted', 'accepted', 'sent_back', 'replaced')),
    ADD COLUMN errors         integer NOT NULL DEFAULT 0,
    ADD COLUMN warnings       integer NOT NULL DEFAULT 0,
    ADD COLUMN report         jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN submitted_at   timestamptz,
    ADD COLUMN reviewed_by    text,
    ADD COLUMN reviewed_at    timestamptz,
    ADD COLUMN reason         text,
    ADD COLUMN submission_id  bigint REFERENCES submissions (id);
CREATE INDEX uploads_return ON uploads (ons_code, period_code, id DESC);

-- A quarter's collection round, with its due date.
CREATE TABLE rounds (
    period_code  text PRIMARY KEY REFERENCES periods (code),
    due_on       date NOT NULL,
    opened_by    text NOT NULL,
    opened_at    timestamptz NOT NULL DEFAULT now()
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['publications', 'publication_submissions']
    LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER bump_data_version AFTER INSERT OR UPDATE OR DELETE ON %I
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version()', t);
    END LOOP;
END
$$;

-- What was shown before accounts existed stays public: every period with data is published
-- with the submissions then in force, and its published commentary with it.
INSERT INTO publications (period_code, published_by)
SELECT DISTINCT o.period_code, 'migration 0003' FROM observations o
JOIN shown_submissions s ON s.id = o.submission_id;

INSERT INTO publication_submissions (publication_id, submission_id)
SELECT DISTINCT p.id, s.id FROM publications p
JOIN observations o ON o.period_code = p.period_code
JOIN shown_submissions s ON s.id = o.submission_id;

UPDATE commentary c SET publication_id = p.id
FROM publications p
WHERE p.period_code = c.period_code AND p.ended_at IS NULL AND c.status = 'published';
