-- Durable timers: one row per notification rule row per recipient, keyed by its idempotency key.
-- The payload holds ids and dates only (which rule, which event, which recipient): never personal data.
CREATE TABLE notifications.timers (
    key           uuid PRIMARY KEY,
    kind          text NOT NULL,
    due_at        timestamptz NOT NULL,
    payload       jsonb NOT NULL,
    fired_at      timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    scheduled_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX timers_pending ON notifications.timers (due_at) WHERE fired_at IS NULL;
