-- 0008 (#17): witnesses' cosignatures of the signed checkpoints (C2SP tlog-cosignature). A
-- cosignature is its witness's signature line as the witness answered it; the checkpoint's note
-- stays as the log signed it, and readers append the lines. Rows are only ever added, through
-- record_cosignature (the run-time role has no direct write), and never changed.
CREATE TABLE {schema}.checkpoint_cosignatures (
    -- No foreign key: record_cosignature checks the checkpoint exists, and a foreign key would make
    -- TRUNCATE of checkpoints fail on the reference before the append-only trigger refuses it.
    tree_size    bigint      NOT NULL,
    witness      text        NOT NULL CHECK (length(witness) > 0),
    key_id       text        NOT NULL CHECK (key_id ~ '^[0-9a-f]{8}$'),
    cosigned_at  timestamptz NOT NULL,
    line         text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tree_size, witness, key_id)
);

CREATE INDEX checkpoint_cosignatures_by_witness ON {schema}.checkpoint_cosignatures (witness, key_id, tree_size DESC);

CREATE TRIGGER checkpoint_cosignatures_no_update_or_delete
    BEFORE UPDATE OR DELETE ON {schema}.checkpoint_cosignatures
    FOR EACH ROW EXECUTE FUNCTION {schema}.reject_tree_mutation();
CREATE TRIGGER checkpoint_cosignatures_no_truncate
    BEFORE TRUNCATE ON {schema}.checkpoint_cosignatures
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.reject_tree_mutation();

-- Stores a cosignature of a stored checkpoint once (a second one from the same witness key for the
-- same size is ignored); true when stored. The line must be the witness's signature line. The
-- service verifies the signature before calling; a forged row would only fail every verifier.
CREATE FUNCTION {schema}.record_cosignature(p_size bigint, p_witness text, p_key_id text, p_cosigned_at timestamptz, p_line text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_rows integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM {schema}.checkpoints c WHERE c.tree_size = p_size) THEN
        RAISE EXCEPTION 'no checkpoint of % leaves is stored', p_size USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_line IS NULL OR left(p_line, length(p_witness) + 3) IS DISTINCT FROM (E'\u2014 ' || p_witness || ' ') OR right(p_line, 1) <> E'\n' THEN
        RAISE EXCEPTION 'a cosignature is its witness''s signature line' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO {schema}.checkpoint_cosignatures (tree_size, witness, key_id, cosigned_at, line)
    VALUES (p_size, p_witness, p_key_id, p_cosigned_at, p_line)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows = 1;
END;
$$;

REVOKE ALL ON FUNCTION {schema}.record_cosignature(bigint, text, text, timestamptz, text) FROM PUBLIC;
