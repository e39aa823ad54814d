-- The sector-led improvement cycle as the memorandum runs it (seed 001: 3.3-3.5, 7.1-7.4,
-- MoU 2.1): the year's review window, the Board's decisions and escalations, peer challenges
-- with their action plans, councils' requests for support, and the consultant's annual report
-- to the Board, kept once issued. Every row says who recorded it; every write is audited.

-- Thematic reviews: when each opened and when self-assessments are due.
ALTER TABLE themes ADD COLUMN opened_on date NOT NULL DEFAULT current_date;
ALTER TABLE themes ADD COLUMN due_on date;

-- The annual review window (July to October unless the analyst sets it).
CREATE TABLE review_windows (
    year     text PRIMARY KEY REFERENCES periods (code),
    opens    date NOT NULL,
    closes   date NOT NULL CHECK (closes >= opens),
    set_by   text NOT NULL,
    set_at   timestamptz NOT NULL DEFAULT now()
);

-- What the North West Towards Excellence Board decided for a council's year, and whether the
-- council accepted it (MoU 2.1 i).
CREATE TABLE board_decisions (
    id           bigserial PRIMARY KEY,
    ons_code     text NOT NULL REFERENCES authorities (ons_code),
    year         text NOT NULL REFERENCES periods (code),
    decision     text NOT NULL CHECK (decision IN ('accept_support', 'targeted_support', 'intervention')),
    reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
    decided_on   date NOT NULL,
    accepted     boolean,
    answered_on  date,
    answered_by  text,
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((accepted IS NULL) = (answered_on IS NULL))
);
CREATE INDEX board_decisions_by ON board_decisions (ons_code, year);

-- Escalation when a council does not engage or problems persist (MoU 7.4).
CREATE TABLE escalations (
    id            bigserial PRIMARY KEY,
    ons_code      text NOT NULL REFERENCES authorities (ons_code),
    year          text NOT NULL REFERENCES periods (code),
    escalated_to  text NOT NULL CHECK (escalated_to IN ('lga', 'adass', 'government')),
    reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
    escalated_on  date NOT NULL,
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);

-- A peer challenge: asked for by the council (self-help, MoU 2.1 h) or proposed by the Board.
CREATE TABLE peer_challenges (
    id               bigserial PRIMARY KEY,
    ons_code         text NOT NULL REFERENCES authorities (ons_code),
    year             text NOT NULL REFERENCES periods (code),
    origin           text NOT NULL CHECK (origin IN ('council', 'board')),
    scope            text NOT NULL CHECK (length(scope) BETWEEN 1 AND 2000),
    starts_on        date NOT NULL,
    ends_on          date NOT NULL CHECK (ends_on >= starts_on),
    team             text NOT NULL CHECK (length(team) BETWEEN 1 AND 2000),
    findings         text NOT NULL DEFAULT '' CHECK (length(findings) <= 10000),
    recommendations  text NOT NULL DEFAULT '' CHECK (length(recommendations) <= 10000),
    recorded_by      text NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now()
);

-- Its action plan, and follow-up reviews of each action.
CREATE TABLE peer_actions (
    id            bigserial PRIMARY KEY,
    challenge_id  bigint NOT NULL REFERENCES peer_challenges (id),
    action        text NOT NULL CHECK (length(action) BETWEEN 1 AND 2000),
    owner         text NOT NULL CHECK (length(owner) BETWEEN 1 AND 300),
    due_on        date NOT NULL,
    done_on       date,
    review        text NOT NULL DEFAULT '' CHECK (length(review) <= 5000),
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);

-- A council's request for support from Table 1's menu, from its own risk page.
CREATE TABLE support_requests (
    id            bigserial PRIMARY KEY,
    ons_code      text NOT NULL REFERENCES authorities (ons_code),
    year          text NOT NULL REFERENCES periods (code),
    tier          text NOT NULL,
    offer         text NOT NULL,
    reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
    requested_by  text NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now()
);

-- The consultant's annual report to the Board: each issue kept as a revision, with the
-- reviewer, the Board's members and the report as issued.
CREATE TABLE annual_reports (
    id          bigserial PRIMARY KEY,
    year        text NOT NULL REFERENCES periods (code),
    revision    integer NOT NULL CHECK (revision > 0),
    reviewer    text NOT NULL CHECK (length(reviewer) BETWEEN 1 AND 300),
    members     text NOT NULL CHECK (length(members) BETWEEN 1 AND 2000),
    contents    jsonb NOT NULL,
    issued_by   text NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (year, revision)
);

-- Signed-in pages show these: a write bumps the records version.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['review_windows', 'board_decisions', 'escalations', 'peer_challenges',
                             'peer_actions', 'support_requests', 'annual_reports']
    LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER bump_records_version AFTER INSERT OR UPDATE OR DELETE ON %I
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_records_version()', t);
    END LOOP;
END $$;
