-- 0006 (#14): the run-time role writes the log, the Merkle tree and the checkpoints only through
-- functions that the schema's owner owns and runs (SECURITY DEFINER, with a fixed search_path so a
-- caller's objects can never stand in for the ledger's). The run-time role keeps SELECT and EXECUTE;
-- its INSERT and UPDATE rights on these tables are revoked by the migrator's grants. A raw INSERT into
-- the log, at a position of the caller's choosing, is therefore refused by the database: positions,
-- stream versions, recording times, leaf hashes, subtrees and the tree head are all computed here.

-- Appends: the function already assigns positions, versions and times itself; it now runs as the
-- owner, so the caller needs no right on the tables it writes.
ALTER FUNCTION {schema}.append_batch(uuid[], text[], bigint[], integer[], text[], bytea[], text[], integer[], uuid[], text[], integer[], jsonb[], jsonb[])
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

-- What an append may carry: a payload and metadata that are JSON objects, a named type.
ALTER TABLE {schema}.events
    ADD CONSTRAINT events_payload_is_object CHECK (jsonb_typeof(data) = 'object' AND jsonb_typeof(metadata) = 'object'),
    ADD CONSTRAINT events_type_named CHECK (length(type) > 0);

-- Locks the Merkle tree head until the caller's transaction ends and returns it: integration batches
-- and checkpoint writers take turns on this lock across instances. (SELECT ... FOR UPDATE needs a
-- write right on the table, which the run-time role no longer has.)
CREATE FUNCTION {schema}.lock_merkle_tree_head() RETURNS TABLE (size bigint, root bytea)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT h.size, h.root FROM {schema}.merkle_tree_head h WHERE h.singleton FOR UPDATE;
$$;

-- The root of the tree of the first p_size leaves, from the stored complete subtrees (RFC 9162
-- section 2.1.1): one subtree per set bit of p_size, folded from the smallest. The subtree at
-- level L that ends at p_size has index (p_size >> L) - 1.
CREATE FUNCTION {schema}.merkle_root_at(p_size bigint) RETURNS bytea
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_root  bytea;
    v_hash  bytea;
BEGIN
    IF p_size IS NULL OR p_size < 0 THEN
        RAISE EXCEPTION 'merkle_root_at: the size must be at least 0' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_size = 0 THEN
        RETURN sha256(''::bytea);
    END IF;
    FOR v_level IN 0..62 LOOP
        CONTINUE WHEN (p_size >> v_level) & 1 = 0;
        SELECT s.hash INTO v_hash FROM {schema}.merkle_subtrees s WHERE s.level = v_level AND s.idx = (p_size >> v_level) - 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'the Merkle tree of % leaves lacks its subtree at level %', p_size, v_level USING ERRCODE = 'data_corrupted';
        END IF;
        v_root := CASE WHEN v_root IS NULL THEN v_hash ELSE sha256('\x01'::bytea || v_hash || v_root) END;
    END LOOP;
    RETURN v_root;
END;
$$;

-- Integrates the next events of the log into the Merkle tree. The caller gives the canonical
-- envelopes (RFC 8785) of the events at positions p_from + 1, p_from + 2, ... in order; p_from must
-- be the tree's size. Each envelope is checked against the event it stands for (every member, by
-- value), then hashed here as a leaf; the complete subtrees it closes, the new size and the new root
-- are computed here and stored. The caller cannot choose a leaf, a subtree or a root: it can only
-- fail to integrate. (The envelope's canonical byte form cannot be checked in SQL; a non-canonical
-- one makes every proof of that event fail to verify, which the verifier and `provenance monitor`
-- report.)
CREATE FUNCTION {schema}.integrate_leaves(p_from bigint, p_envelopes bytea[])
RETURNS TABLE (size bigint, root bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_n         integer := coalesce(cardinality(p_envelopes), 0);
    v_old       bigint;
    v_new       bigint;
    v_head      bytea;
    v_frontier  bytea[] := array_fill(NULL::bytea, ARRAY[64], ARRAY[0]);
    v_run       bytea[];
    v_nodes     bytea[];
    v_root      bytea;
    v_bad       bigint;
BEGIN
    IF v_n = 0 THEN
        RAISE EXCEPTION 'integrate_leaves needs at least one envelope' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- The head's row lock orders integration batches and checkpoints across instances.
    SELECT h.size, h.root INTO v_old, v_head FROM {schema}.merkle_tree_head h WHERE h.singleton FOR UPDATE;
    IF v_old IS DISTINCT FROM p_from THEN
        RAISE EXCEPTION 'the Merkle tree has % leaves, not %', v_old, p_from USING ERRCODE = 'serialization_failure';
    END IF;
    v_new := v_old + v_n;

    -- Each envelope must state exactly the stored event at its position: nine members, each equal.
    SELECT min(p_from + u.ord) INTO v_bad
      FROM unnest(p_envelopes) WITH ORDINALITY AS u(envelope, ord)
      LEFT JOIN {schema}.events e ON e.position = p_from + u.ord
      LEFT JOIN LATERAL (SELECT convert_from(u.envelope, 'UTF8')::jsonb AS j) parsed ON true
     WHERE e.position IS NULL
        OR jsonb_typeof(parsed.j) IS DISTINCT FROM 'object'
        OR CASE WHEN jsonb_typeof(parsed.j) = 'object' THEN (SELECT count(*) FROM jsonb_object_keys(parsed.j)) END IS DISTINCT FROM 9
        OR parsed.j->'position' IS DISTINCT FROM to_jsonb(e.position)
        OR parsed.j->'id' IS DISTINCT FROM to_jsonb(e.id::text)
        OR parsed.j->'stream' IS DISTINCT FROM to_jsonb(e.stream_id::text)
        OR parsed.j->'version' IS DISTINCT FROM to_jsonb(e.stream_version)
        OR parsed.j->'type' IS DISTINCT FROM to_jsonb(e.type)
        OR parsed.j->'schemaVersion' IS DISTINCT FROM to_jsonb(e.schema_version)
        OR parsed.j->'data' IS DISTINCT FROM e.data
        OR parsed.j->'metadata' IS DISTINCT FROM e.metadata
        OR parsed.j->'recordedAt' IS DISTINCT FROM to_jsonb(to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'));
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'the envelope given for position % is not the event the log holds there (or the log has no event there)', v_bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- The frontier: the complete subtrees of the current tree, one per set bit of its size (the one
    -- at level L has index (size >> L) - 1). Their fold must be the head's root, or the tree was
    -- changed outside the ledger.
    SELECT array_agg(s.hash ORDER BY s.level), count(*) INTO v_run, v_bad
      FROM generate_series(0, 62) AS l(level)
      JOIN {schema}.merkle_subtrees s ON s.level = l.level AND s.idx = (v_old >> l.level) - 1
     WHERE (v_old >> l.level) & 1 = 1;
    IF v_bad <> bit_count(v_old::bit(64)) THEN
        RAISE EXCEPTION 'the Merkle tree head says % leaves, but its frontier subtrees are not all stored', v_old USING ERRCODE = 'data_corrupted';
    END IF;
    FOR l IN 0..62 LOOP
        CONTINUE WHEN (v_old >> l) & 1 = 0;
        v_frontier[l] := v_run[1];
        v_run := v_run[2:];
        v_root := CASE WHEN v_root IS NULL THEN v_frontier[l] ELSE sha256('\x01'::bytea || v_frontier[l] || v_root) END;
    END LOOP;
    IF coalesce(v_root, sha256(''::bytea)) <> v_head THEN
        RAISE EXCEPTION 'the Merkle tree head''s root for % leaves is not the root of its stored subtrees', v_old USING ERRCODE = 'data_corrupted';
    END IF;

    -- Level by level, set-based: the new nodes of a level are its complete subtrees from index
    -- (old >> L) to (new >> L) - 1. With the old frontier node before them (when bit L of the old
    -- size is set) they form a run that starts at an even index, so the next level's new nodes are
    -- its consecutive pairs. The root folds, from the lowest level up, the last node of each level
    -- whose bit is set in the new size.
    v_nodes := ARRAY(SELECT sha256('\x00'::bytea || u.envelope) FROM unnest(p_envelopes) WITH ORDINALITY AS u(envelope, ord) ORDER BY u.ord);
    v_root := NULL;
    FOR l IN 0..62 LOOP
        EXIT WHEN (v_new >> l) = 0;
        IF cardinality(v_nodes) > 0 THEN
            INSERT INTO {schema}.merkle_subtrees (level, idx, hash)
            SELECT l, (v_old >> l) + n.ord - 1, n.hash FROM unnest(v_nodes) WITH ORDINALITY AS n(hash, ord);
        END IF;
        v_run := CASE WHEN (v_old >> l) & 1 = 1 THEN v_frontier[l] || v_nodes ELSE v_nodes END;
        IF (v_new >> l) & 1 = 1 THEN
            v_root := CASE WHEN v_root IS NULL THEN v_run[cardinality(v_run)] ELSE sha256('\x01'::bytea || v_run[cardinality(v_run)] || v_root) END;
        END IF;
        v_nodes := ARRAY(
            SELECT sha256('\x01'::bytea || p.left_hash || p.right_hash)
              FROM (SELECT r.ord, lag(r.hash) OVER (ORDER BY r.ord) AS left_hash, r.hash AS right_hash
                      FROM unnest(v_run) WITH ORDINALITY AS r(hash, ord)) p
             WHERE p.ord % 2 = 0
             ORDER BY p.ord);
    END LOOP;

    UPDATE {schema}.merkle_tree_head h SET size = v_new, root = v_root, updated_at = now() WHERE h.singleton;
    RETURN QUERY SELECT v_new, v_root;
END;
$$;

-- Stores a signed checkpoint. The size must be one the tree has reached, the root must be the stored
-- tree's root at that size (computed here), and the note's body must state that size and root
-- (C2SP tlog-checkpoint: origin, size, base64 root). The signature is the signer's to make and the
-- verifier's to check; without the signing key, a caller can only store a note nobody will accept.
CREATE FUNCTION {schema}.record_checkpoint(p_size bigint, p_root bytea, p_note text, p_key_id text)
RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_head  bigint;
    v_at    timestamptz;
BEGIN
    SELECT h.size INTO v_head FROM {schema}.merkle_tree_head h WHERE h.singleton FOR UPDATE;
    IF p_size IS NULL OR p_size < 0 OR p_size > v_head THEN
        RAISE EXCEPTION 'the Merkle tree has % leaves; it cannot be checkpointed at %', v_head, p_size USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_root IS DISTINCT FROM {schema}.merkle_root_at(p_size) THEN
        RAISE EXCEPTION 'the root given for % leaves is not the root of the stored Merkle tree', p_size USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF split_part(p_note, E'\n', 2) IS DISTINCT FROM p_size::text
       OR split_part(p_note, E'\n', 3) IS DISTINCT FROM encode(p_root, 'base64')
       OR length(split_part(p_note, E'\n', 1)) = 0 THEN
        RAISE EXCEPTION 'the checkpoint note does not state the size % and its root', p_size USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_key_id IS NULL OR length(p_key_id) = 0 THEN
        RAISE EXCEPTION 'a checkpoint names the key that signed it' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO {schema}.checkpoints (tree_size, root, note, key_id) VALUES (p_size, p_root, p_note, p_key_id)
    RETURNING signed_at INTO v_at;
    RETURN v_at;
END;
$$;

REVOKE ALL ON FUNCTION {schema}.append_batch(uuid[], text[], bigint[], integer[], text[], bytea[], text[], integer[], uuid[], text[], integer[], jsonb[], jsonb[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION {schema}.merkle_root_at(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION {schema}.lock_merkle_tree_head() FROM PUBLIC;
REVOKE ALL ON FUNCTION {schema}.integrate_leaves(bigint, bytea[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION {schema}.record_checkpoint(bigint, bytea, text, text) FROM PUBLIC;
