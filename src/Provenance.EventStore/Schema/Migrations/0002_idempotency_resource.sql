-- 0002: an append can name the resource it created (e.g. /datasets/{id}/versions/3); the name is
-- kept with the idempotency key so that a replayed request answers with the same Location.

ALTER TABLE {schema}.idempotency_keys ADD COLUMN resource text;

DROP FUNCTION {schema}.append_events(uuid, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], text, bytea);

-- Appends events to one stream atomically. p_resource (optional) is the address of what the append
-- created, kept with the idempotency key so a replay answers the same Location. Outcome codes:
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
    p_request_hash     bytea,
    p_resource         text)
RETURNS TABLE (outcome integer, current_version bigint, first_position bigint, last_position bigint,
               recorded_at timestamptz, stored_request_hash bytea, stored_stream_id uuid, stored_resource text)
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
                                v_key.created_at, v_key.request_hash, v_key.stream_id, v_key.resource;
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
        RETURN QUERY SELECT 3, v_current, NULL::bigint, NULL::bigint, NULL::timestamptz, NULL::bytea, NULL::uuid, NULL::text;
        RETURN;
    END IF;
    IF p_expected >= 0 AND v_current <> p_expected THEN
        RETURN QUERY SELECT 1, v_current, NULL::bigint, NULL::bigint, NULL::timestamptz, NULL::bytea, NULL::uuid, NULL::text;
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
        INSERT INTO {schema}.idempotency_keys (key, request_hash, stream_id, stream_version, first_position, last_position, created_at, resource)
        VALUES (p_idempotency_key, p_request_hash, p_stream_id, v_current + v_count, v_last - v_count + 1, v_last, v_at, p_resource);
    END IF;

    RETURN QUERY SELECT 0, v_current + v_count, v_last - v_count + 1, v_last, v_at, NULL::bytea, p_stream_id, p_resource;
END;
$$;
