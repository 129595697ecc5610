-- 0005 (#7): group commit. Concurrent appends are coalesced into one transaction, written by one
-- set-based statement, so N appends cost one WAL flush and a handful of statements, not N of each.
--
-- append_batch replaces append_events. Each request is judged on its own, exactly as a lone append
-- would be; a request that is refused writes nothing (not even its stream's row) and does not
-- affect the others. The caller puts at most one request per stream and per idempotency key in a
-- batch (a second one waits for the next batch), so no request depends on another of its batch.
--
-- Locking: the log head is locked first, by every append, before anything else is read or written.
-- Appends therefore serialize there (which orders commits by position, as before) and can never
-- deadlock with one another, whatever streams and keys they touch; and because every writer of
-- streams and idempotency keys holds that lock until it commits, the statement that judges the
-- requests sees all of their effects. This also replaces the per-key advisory lock: a concurrent
-- retry waits on the head for the first attempt to commit, then finds its key.

DROP FUNCTION {schema}.append_events(uuid, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], text, bytea, text);

-- Requests are given as parallel arrays (one element per request): stream id and type, expected
-- version (-1 any, 0 the stream must not exist yet, n > 0 exactly n), event count, idempotency key
-- and request hash (null for none), and the resource the append creates (null for none). Events are
-- given as parallel arrays in request order, each with the ordinal (1-based) of its request.
-- Returns one row per request, in request order. Outcome codes:
--   0 appended; 1 expected-version mismatch (current_version set); 2 idempotency key already used
--   (the original result and its request hash are returned); 3 the stream exists with another type.
CREATE FUNCTION {schema}.append_batch(
    p_stream_ids        uuid[],
    p_stream_types      text[],
    p_expected          bigint[],
    p_counts            integer[],
    p_idempotency_keys  text[],
    p_request_hashes    bytea[],
    p_resources         text[],
    p_event_requests    integer[],
    p_event_ids         uuid[],
    p_types             text[],
    p_schema_versions   integer[],
    p_data              jsonb[],
    p_metadata          jsonb[])
RETURNS TABLE (outcome integer, current_version bigint, first_position bigint, last_position bigint,
               recorded_at timestamptz, stored_request_hash bytea, stored_stream_id uuid, stored_resource text,
               request integer)
LANGUAGE plpgsql AS $$
DECLARE
    v_requests  integer := coalesce(cardinality(p_stream_ids), 0);
    v_head      bigint;
    v_at        timestamptz;
BEGIN
    IF v_requests = 0 THEN
        RAISE EXCEPTION 'append_batch needs at least one request' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(cardinality(p_stream_types), 0) <> v_requests OR coalesce(cardinality(p_expected), 0) <> v_requests
       OR coalesce(cardinality(p_counts), 0) <> v_requests OR coalesce(cardinality(p_idempotency_keys), 0) <> v_requests
       OR coalesce(cardinality(p_request_hashes), 0) <> v_requests OR coalesce(cardinality(p_resources), 0) <> v_requests THEN
        RAISE EXCEPTION 'append_batch: the request arrays differ in length' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(p_counts) c WHERE c IS NULL OR c < 1) THEN
        RAISE EXCEPTION 'append_batch: every request needs at least one event' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (SELECT count(DISTINCT s) FROM unnest(p_stream_ids) s) <> v_requests
       OR (SELECT count(k) <> count(DISTINCT k) FROM unnest(p_idempotency_keys) k) THEN
        RAISE EXCEPTION 'append_batch: a batch holds one request per stream and per idempotency key' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (SELECT count(*) FROM (
            SELECT r.ord FROM unnest(p_counts) WITH ORDINALITY AS r(n, ord)
              LEFT JOIN (SELECT e, count(*) AS m FROM unnest(p_event_requests) e GROUP BY e) c ON c.e = r.ord
             WHERE c.m IS DISTINCT FROM r.n) bad) > 0
       OR coalesce(cardinality(p_event_ids), 0) <> coalesce(cardinality(p_event_requests), 0)
       OR (SELECT sum(n) FROM unnest(p_counts) n) <> coalesce(cardinality(p_event_ids), 0) THEN
        RAISE EXCEPTION 'append_batch: the events do not match the requests'' counts' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- The head first, for the whole transaction: see the header. recorded_at never goes backwards
    -- along the log, so "as of T" is always a prefix of it.
    SELECT h.position, greatest(clock_timestamp(), h.last_recorded_at) INTO v_head, v_at
      FROM {schema}.log_head h WHERE h.singleton FOR UPDATE;

    RETURN QUERY
    WITH req AS (
        SELECT r.ord::integer AS request, r.stream_id, r.stream_type, r.expected, r.n::bigint AS n,
               r.key, r.hash, r.resource
          FROM unnest(p_stream_ids, p_stream_types, p_expected, p_counts, p_idempotency_keys, p_request_hashes, p_resources)
               WITH ORDINALITY AS r(stream_id, stream_type, expected, n, key, hash, resource, ord)
    ), judged AS (
        SELECT req.*, coalesce(s.version, 0) AS current, k.key AS used_key, k.request_hash AS k_hash,
               k.stream_id AS k_stream, k.stream_version AS k_version, k.first_position AS k_first,
               k.last_position AS k_last, k.created_at AS k_at, k.resource AS k_resource,
               CASE WHEN k.key IS NOT NULL THEN 2
                    WHEN s.type IS NOT NULL AND s.type <> req.stream_type THEN 3
                    WHEN req.expected >= 0 AND coalesce(s.version, 0) <> req.expected THEN 1
                    ELSE 0 END AS code
          FROM req
          LEFT JOIN {schema}.idempotency_keys k ON k.key = req.key
          LEFT JOIN {schema}.streams s ON s.id = req.stream_id
    ), placed AS (
        -- The accepted requests take consecutive positions in request order.
        SELECT j.*, v_head + (sum(CASE WHEN j.code = 0 THEN j.n ELSE 0 END) OVER (ORDER BY j.request))::bigint AS last_pos
          FROM judged j
    ), streams_written AS (
        INSERT INTO {schema}.streams AS s (id, type, version, created_at, updated_at)
        SELECT p.stream_id, p.stream_type, p.current + p.n, v_at, v_at FROM placed p WHERE p.code = 0
        ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
    ), events_written AS (
        INSERT INTO {schema}.events (position, id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at)
        SELECT p.last_pos - p.n + e.idx, e.id, p.stream_id, p.current + e.idx, e.type, e.schema_version, e.data, e.metadata, v_at
          FROM (SELECT u.*, row_number() OVER (PARTITION BY u.request ORDER BY u.ord) AS idx
                  FROM unnest(p_event_requests, p_event_ids, p_types, p_schema_versions, p_data, p_metadata)
                       WITH ORDINALITY AS u(request, id, type, schema_version, data, metadata, ord)) e
          JOIN placed p ON p.request = e.request AND p.code = 0
    ), keys_written AS (
        INSERT INTO {schema}.idempotency_keys (key, request_hash, stream_id, stream_version, first_position, last_position, created_at, resource)
        SELECT p.key, p.hash, p.stream_id, p.current + p.n, p.last_pos - p.n + 1, p.last_pos, v_at, p.resource
          FROM placed p WHERE p.code = 0 AND p.key IS NOT NULL
    ), head_moved AS (
        UPDATE {schema}.log_head h
           SET position = v_head + (SELECT coalesce(sum(p.n), 0) FROM placed p WHERE p.code = 0),
               last_recorded_at = v_at
         WHERE h.singleton AND EXISTS (SELECT 1 FROM placed p WHERE p.code = 0)
    )
    SELECT p.code,
           CASE p.code WHEN 0 THEN p.current + p.n WHEN 2 THEN p.k_version ELSE p.current END,
           CASE p.code WHEN 0 THEN p.last_pos - p.n + 1 WHEN 2 THEN p.k_first END,
           CASE p.code WHEN 0 THEN p.last_pos WHEN 2 THEN p.k_last END,
           CASE p.code WHEN 0 THEN v_at WHEN 2 THEN p.k_at END,
           CASE p.code WHEN 2 THEN p.k_hash END,
           CASE p.code WHEN 0 THEN p.stream_id WHEN 2 THEN p.k_stream END,
           CASE p.code WHEN 0 THEN p.resource WHEN 2 THEN p.k_resource END,
           p.request
      FROM placed p
     ORDER BY p.request;
END;
$$;
