-- Reciprocity (MoU 2.1 e-g) and sign-up: the analyst's entries in the excellence directory,
-- Beacon events, the officer and member days councils give one another, and each council's
-- signing of the memorandum. Signed-in pages show them: a write bumps the records version.
CREATE TABLE excellence_entries (
    id           bigserial PRIMARY KEY,
    ons_code     text NOT NULL REFERENCES authorities (ons_code),
    area         text NOT NULL CHECK (length(area) BETWEEN 1 AND 200),
    summary      text NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
    contact      text NOT NULL CHECK (length(contact) BETWEEN 1 AND 300),
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE beacon_events (
    id           bigserial PRIMARY KEY,
    host         text NOT NULL REFERENCES authorities (ons_code),
    held_on      date NOT NULL,
    topic        text NOT NULL CHECK (length(topic) BETWEEN 1 AND 300),
    funding      text NOT NULL CHECK (length(funding) <= 300),
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contributions (
    id           bigserial PRIMARY KEY,
    giver        text NOT NULL REFERENCES authorities (ons_code),
    receiver     text NOT NULL REFERENCES authorities (ons_code) CHECK (receiver <> giver),
    kind         text NOT NULL CHECK (kind IN ('officer', 'member')),
    days         numeric(5, 1) NOT NULL CHECK (days > 0 AND days <= 100),
    given_on     date NOT NULL,
    note         text NOT NULL CHECK (length(note) <= 500),
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mou_signups (
    id               bigserial PRIMARY KEY,
    ons_code         text NOT NULL REFERENCES authorities (ons_code),
    dass             text NOT NULL CHECK (length(dass) BETWEEN 1 AND 200),
    lead_member      text NOT NULL CHECK (length(lead_member) BETWEEN 1 AND 200),
    chief_executive  text NOT NULL CHECK (length(chief_executive) BETWEEN 1 AND 200),
    signed_on        date NOT NULL,
    review_due       date NOT NULL CHECK (review_due > signed_on),
    recorded_by      text NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now()
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['excellence_entries', 'beacon_events', 'contributions', 'mou_signups']
    LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER bump_records_version AFTER INSERT OR UPDATE OR DELETE ON %I
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_records_version()', t);
    END LOOP;
END $$;
