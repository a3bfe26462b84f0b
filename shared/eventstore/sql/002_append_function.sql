-- One round trip per append (docs/decisions/0007): the stream head is checked and moved, the
-- per-stream hash chain extended and the events inserted by one call, in the statement's own
-- transaction. The client sends each event's canonical body (hashchain.event_body); the chain is
-- hash = sha256(previous hash || body), exactly as hashchain.event_hash computes it. The data and
-- the actor are sent apart as well (the same text the body holds): parsing them alone costs the
-- server a third of parsing the whole body and cutting them out of it.
CREATE FUNCTION eventstore.append_events(
    p_stream_id      text,
    p_expected       bigint,          -- the stream's version before the append; -1: a new stream
    p_event_ids      uuid[],
    p_event_types    text[],
    p_schema_versions integer[],
    p_occurred_at    timestamptz[],
    p_recorded_at    timestamptz,
    p_correlation_ids uuid[],
    p_causation_ids  uuid[],
    p_producers      text[],
    p_data           text[],
    p_actors         text[],
    p_bodies         text[]
) RETURNS SETOF bigint LANGUAGE plpgsql
-- Its statements are the same every call (a key lookup, an update, an insert from arrays): one
-- generic plan each, not a custom plan per call (the pool asks for custom plans everywhere else).
-- A generic plan is made once per connection, maybe while the stream heads are few: without
-- enable_seqscan off it could scan every head on every later call.
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
    v_version bigint;
    v_head    bytea;
    v_prev    bytea[] := '{}';
    v_hash    bytea[] := '{}';
    v_last    bytea;
    n         integer := cardinality(p_event_ids);
BEGIN
    SELECT version, head_hash INTO v_version, v_head
      FROM eventstore.streams WHERE stream_id = p_stream_id FOR UPDATE;
    IF NOT FOUND THEN
        v_version := -1;
        v_head := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    END IF;
    IF v_version <> p_expected THEN
        RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'RJ409', DETAIL = v_version::text;
    END IF;
    v_last := v_head;
    FOR i IN 1 .. n LOOP
        v_prev := v_prev || v_last;
        v_last := sha256(v_last || convert_to(p_bodies[i], 'UTF8'));
        v_hash := v_hash || v_last;
    END LOOP;
    IF v_version = -1 THEN
        -- Two creators of one new stream meet here: the loser gets a unique violation.
        INSERT INTO eventstore.streams (stream_id, version, head_hash) VALUES (p_stream_id, n - 1, v_last);
    ELSE
        UPDATE eventstore.streams SET version = v_version + n, head_hash = v_last WHERE stream_id = p_stream_id;
    END IF;
    RETURN QUERY
    INSERT INTO eventstore.events (event_id, stream_id, stream_version, event_type, schema_version, data,
                                   occurred_at, recorded_at, correlation_id, causation_id, actor, producer,
                                   prev_hash, hash)
    SELECT e.event_id, p_stream_id, v_version + e.ord, e.event_type, e.schema_version, e.data::jsonb,
           e.occurred_at, p_recorded_at, e.correlation_id, e.causation_id, e.actor::jsonb, e.producer,
           e.prev_hash, e.hash
      FROM unnest(p_event_ids, p_event_types, p_schema_versions, p_occurred_at, p_correlation_ids,
                  p_causation_ids, p_producers, p_data, p_actors, v_prev, v_hash)
           WITH ORDINALITY AS e(event_id, event_type, schema_version, occurred_at, correlation_id,
                                causation_id, producer, data, actor, prev_hash, hash, ord)
     ORDER BY e.ord
    RETURNING global_position;
END $$;
