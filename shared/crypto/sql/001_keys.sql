-- Data keys, one per data subject, kept apart from the events (DESIGN D5).
-- Forgetting a person sets key to NULL: their sealed fields can never be opened again.
CREATE SCHEMA IF NOT EXISTS keystore;

CREATE TABLE keystore.subject_keys (
    subject_id    uuid PRIMARY KEY,
    wrapped_key   bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    forgotten_at  timestamptz,
    forgotten_by  text,
    CHECK ((wrapped_key IS NULL) = (forgotten_at IS NOT NULL))
);
