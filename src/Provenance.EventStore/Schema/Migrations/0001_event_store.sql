-- 0001: the event store core.
-- Placeholders: {schema} is replaced with the quoted schema name by the migrator.

CREATE TABLE {schema}.streams (
    id          uuid        PRIMARY KEY,
    type        text        NOT NULL,
    version     bigint      NOT NULL CHECK (version >= 0),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX streams_type_idx ON {schema}.streams (type, created_at);

-- The global log. `position` is assigned from {schema}.log_head under a row lock, never from a
-- sequence: a sequence hands out numbers before commit, so a reader could see position N+1
-- while N is still in flight (the gap Marten's async daemon has to wait out). Here the lock is
-- held until commit, so positions become visible strictly in order and a rolled-back append
-- rolls the counter back with it: no gaps, no late arrivals.
CREATE TABLE {schema}.events (
    position        bigint      PRIMARY KEY,
    id              uuid        NOT NULL UNIQUE,
    stream_id       uuid        NOT NULL REFERENCES {schema}.streams (id),
    stream_version  bigint      NOT NULL CHECK (stream_version >= 1),
    type            text        NOT NULL,
    schema_version  integer     NOT NULL CHECK (schema_version >= 1),
    data            jsonb       NOT NULL,
    metadata        jsonb       NOT NULL,
    recorded_at     timestamptz NOT NULL,
    CONSTRAINT events_stream_version_uq UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_type_idx ON {schema}.events (type, position);
CREATE INDEX events_recorded_at_idx ON {schema}.events (recorded_at);

CREATE TABLE {schema}.log_head (
    singleton         boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    position          bigint      NOT NULL,
    last_recorded_at  timestamptz NOT NULL
);
INSERT INTO {schema}.log_head (singleton, position, last_recorded_at) VALUES (true, 0, '-infinity');

-- One row per accepted idempotent command: a retry with the same key gets the original result.
CREATE TABLE {schema}.idempotency_keys (
    key              text        PRIMARY KEY,
    request_hash     bytea       NOT NULL,
    stream_id        uuid        NOT NULL,
    stream_version   bigint      NOT NULL,
    first_position   bigint      NOT NULL,
    last_position    bigint      NOT NULL,
    created_at       timestamptz NOT NULL
);

-- Immutability, enforced by the database for every role that is not a superuser bypassing
-- triggers: rows of the log can be inserted and read, never changed or removed.
CREATE FUNCTION {schema}.reject_event_mutation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % on %.% is not allowed', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Corrections are recorded as new events.';
END;
$$;

CREATE TRIGGER events_no_update_or_delete
    BEFORE UPDATE OR DELETE ON {schema}.events
    FOR EACH ROW EXECUTE FUNCTION {schema}.reject_event_mutation();
CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON {schema}.events
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.reject_event_mutation();
CREATE TRIGGER idempotency_keys_no_update_or_delete
    BEFORE UPDATE OR DELETE ON {schema}.idempotency_keys
    FOR EACH ROW EXECUTE FUNCTION {schema}.reject_event_mutation();
CREATE TRIGGER idempotency_keys_no_truncate
    BEFORE TRUNCATE ON {schema}.idempotency_keys
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.reject_event_mutation();

-- Appends events to one stream atomically. Outcome codes:
--   0 appended; 1 expected-version mismatch (nothing written, current_version set);
--   2 idempotency key already used (nothing written; the original result and its request hash
--     are returned); 3 the stream exists with another type (nothing written).
-- p_expected: -1 any version, 0 the stream must not exist yet, n > 0 exactly n.
-- The caller must roll back unless the outcome is 0.
CREATE FUNCTION {schema}.append_events(
    p_stream_id        uuid,
    p_stream_type      text,
    p_expected         bigint,
    p_event_ids        uuid[],
    p_types            text[],
    p_schema_versions  integer[],
    p_data             jsonb[],
    p_metadata         jsonb[],
    p_idempotency_key  text,
    p_request_hash     bytea)
RETURNS TABLE (outcome integer, current_version bigint, first_position bigint, last_position bigint,
               recorded_at timestamptz, stored_request_hash bytea, stored_stream_id uuid)
LANGUAGE plpgsql AS $$
DECLARE
    v_count    integer := cardinality(p_event_ids);
    v_current  bigint;
    v_type     text;
    v_last     bigint;
    v_at       timestamptz;
    v_key      {schema}.idempotency_keys%ROWTYPE;
BEGIN
    IF v_count IS NULL OR v_count = 0 THEN
        RAISE EXCEPTION 'append_events needs at least one event' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Idempotency first, under a per-key transaction lock: a concurrent retry waits here for
    -- the first attempt to commit or roll back, then sees its row (each statement of a
    -- READ COMMITTED function takes a fresh snapshot).
    IF p_idempotency_key IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('provenance-idempotency:' || p_idempotency_key, 0));
        SELECT * INTO v_key FROM {schema}.idempotency_keys k WHERE k.key = p_idempotency_key;
        IF FOUND THEN
            RETURN QUERY SELECT 2, v_key.stream_version, v_key.first_position, v_key.last_position,
                                v_key.created_at, v_key.request_hash, v_key.stream_id;
            RETURN;
        END IF;
    END IF;

    SELECT s.version, s.type INTO v_current, v_type FROM {schema}.streams s WHERE s.id = p_stream_id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO {schema}.streams AS s (id, type, version, created_at, updated_at)
        VALUES (p_stream_id, p_stream_type, 0, now(), now())
        ON CONFLICT (id) DO NOTHING;
        IF FOUND THEN
            v_current := 0;
            v_type := p_stream_type;
        ELSE
            -- A concurrent writer created the stream first; lock and read what it wrote.
            SELECT s.version, s.type INTO v_current, v_type FROM {schema}.streams s WHERE s.id = p_stream_id FOR UPDATE;
        END IF;
    END IF;

    IF v_type <> p_stream_type THEN
        RETURN QUERY SELECT 3, v_current, NULL::bigint, NULL::bigint, NULL::timestamptz, NULL::bytea, NULL::uuid;
        RETURN;
    END IF;
    IF p_expected >= 0 AND v_current <> p_expected THEN
        RETURN QUERY SELECT 1, v_current, NULL::bigint, NULL::bigint, NULL::timestamptz, NULL::bytea, NULL::uuid;
        RETURN;
    END IF;

    UPDATE {schema}.streams s SET version = v_current + v_count, updated_at = now() WHERE s.id = p_stream_id;

    -- The log head is locked last and held until commit: this is what orders commits by position.
    -- recorded_at never goes backwards along the log, so "as of T" is always a prefix of it.
    UPDATE {schema}.log_head h
       SET position = h.position + v_count,
           last_recorded_at = greatest(clock_timestamp(), h.last_recorded_at)
     WHERE h.singleton
    RETURNING h.position, h.last_recorded_at INTO v_last, v_at;

    INSERT INTO {schema}.events (position, id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at)
    SELECT v_last - v_count + e.ord, e.id, p_stream_id, v_current + e.ord, e.type, e.schema_version, e.data, e.metadata, v_at
      FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata)
           WITH ORDINALITY AS e(id, type, schema_version, data, metadata, ord);

    IF p_idempotency_key IS NOT NULL THEN
        INSERT INTO {schema}.idempotency_keys (key, request_hash, stream_id, stream_version, first_position, last_position, created_at)
        VALUES (p_idempotency_key, p_request_hash, p_stream_id, v_current + v_count, v_last - v_count + 1, v_last, v_at);
    END IF;

    RETURN QUERY SELECT 0, v_current + v_count, v_last - v_count + 1, v_last, v_at, NULL::bytea, p_stream_id;
END;
$$;
