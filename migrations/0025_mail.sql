-- Email: one message per event and recipient, queued in the database so that nothing is lost on
-- a restart; a sender claims a message for a while (the lease), sends it and marks it sent, or
-- puts it back with a later attempt. The key makes each event's message to a user once only.
CREATE TABLE mail_outbox (
    id               bigserial PRIMARY KEY,
    user_id          bigint NOT NULL REFERENCES users (id),
    kind             text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    event_key        text NOT NULL UNIQUE,
    subject          text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body_text        text NOT NULL,
    body_html        text NOT NULL,
    link             text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    claimed_until    timestamptz,
    last_error       text,
    -- Sent, or not to be sent (the user disabled or unsubscribed by then, or too many failures).
    sent_at          timestamptz,
    dropped_at       timestamptz,
    dropped_why      text,
    CHECK ((dropped_at IS NULL) = (dropped_why IS NULL)),
    CHECK (sent_at IS NULL OR dropped_at IS NULL)
);
CREATE INDEX mail_outbox_waiting ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND dropped_at IS NULL;

-- The reminders and notifications a user has turned off (every kind is on until turned off).
CREATE TABLE mail_preferences (
    user_id  bigint NOT NULL REFERENCES users (id),
    kind     text NOT NULL,
    wanted   boolean NOT NULL,
    PRIMARY KEY (user_id, kind)
);
