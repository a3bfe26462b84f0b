-- The audit record. Rows are only ever inserted; see hashchain.py for the per-stream chain.
CREATE SCHEMA IF NOT EXISTS eventstore;

CREATE TABLE eventstore.streams (
    stream_id   text PRIMARY KEY,
    version     bigint NOT NULL,
    head_hash   bytea NOT NULL
);

CREATE TABLE eventstore.events (
    global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The committing transaction's id: readers order by (transaction_id, global_position)
    -- and stop at the oldest transaction still running, so a late commit is never skipped.
    transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid NOT NULL UNIQUE,
    stream_id       text NOT NULL,
    category        text NOT NULL GENERATED ALWAYS AS (split_part(stream_id, '-', 1)) STORED,
    stream_version  bigint NOT NULL,
    event_type      text NOT NULL,
    schema_version  integer NOT NULL,
    data            jsonb NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    correlation_id  uuid NOT NULL,
    causation_id    uuid,
    actor           jsonb NOT NULL,
    producer        text NOT NULL,
    prev_hash       bytea NOT NULL,
    hash            bytea NOT NULL,
    UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_commit_order ON eventstore.events (transaction_id, global_position);
CREATE INDEX events_category_order ON eventstore.events (category, transaction_id, global_position);

CREATE FUNCTION eventstore.notify_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('rj_events_appended', '');
    RETURN NULL;
END $$;

CREATE TRIGGER events_appended AFTER INSERT ON eventstore.events
    FOR EACH STATEMENT EXECUTE FUNCTION eventstore.notify_appended();
