-- 0004 (#5): the log's RFC 9162 Merkle tree and its signed checkpoints.
-- Event at position p is leaf p - 1; its leaf input is the event's canonical envelope (EventEnvelope).
-- The tree is integrated asynchronously, after the append commits, by MerkleIntegrator.

-- Every complete subtree (level, idx) covers the 2^level leaves from idx * 2^level. Once complete, its
-- hash never changes, so rows are inserted once and never changed: proofs read O(log n) of them.
CREATE TABLE {schema}.merkle_subtrees (
    level  smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
    idx    bigint   NOT NULL CHECK (idx >= 0),
    hash   bytea    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
);

-- How far the tree has integrated the log: its size (leaves) and root. One row, locked by each
-- integration batch, so instances take turns. Checkpoints lock it too.
CREATE TABLE {schema}.merkle_tree_head (
    singleton   boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    size        bigint      NOT NULL CHECK (size >= 0),
    root        bytea       NOT NULL CHECK (length(root) = 32),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
-- The empty tree's root is SHA-256 of the empty string.
INSERT INTO {schema}.merkle_tree_head (singleton, size, root)
VALUES (true, 0, decode('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'));

-- Signed tree heads (C2SP tlog-checkpoint signed notes), one per tree size, never changed.
CREATE TABLE {schema}.checkpoints (
    tree_size  bigint      PRIMARY KEY CHECK (tree_size >= 0),
    root       bytea       NOT NULL CHECK (length(root) = 32),
    note       text        NOT NULL,
    key_id     text        NOT NULL,
    signed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION {schema}.reject_tree_mutation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the Merkle tree is append-only: % on %.% is not allowed', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Subtrees and checkpoints are written once; the tree grows only by integrating new events.';
END;
$$;

-- The head only moves forward: a smaller size would let a later checkpoint fork the log.
CREATE FUNCTION {schema}.reject_tree_head_rollback() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.size < OLD.size THEN
        RAISE EXCEPTION 'the Merkle tree head only moves forward: % to % is not allowed', OLD.size, NEW.size
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER merkle_subtrees_no_update_or_delete
    BEFORE UPDATE OR DELETE ON {schema}.merkle_subtrees
    FOR EACH ROW EXECUTE FUNCTION {schema}.reject_tree_mutation();
CREATE TRIGGER merkle_subtrees_no_truncate
    BEFORE TRUNCATE ON {schema}.merkle_subtrees
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.reject_tree_mutation();
CREATE TRIGGER checkpoints_no_update_or_delete
    BEFORE UPDATE OR DELETE ON {schema}.checkpoints
    FOR EACH ROW EXECUTE FUNCTION {schema}.reject_tree_mutation();
CREATE TRIGGER checkpoints_no_truncate
    BEFORE TRUNCATE ON {schema}.checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.reject_tree_mutation();
CREATE TRIGGER merkle_tree_head_no_delete
    BEFORE DELETE ON {schema}.merkle_tree_head
    FOR EACH ROW EXECUTE FUNCTION {schema}.reject_tree_mutation();
CREATE TRIGGER merkle_tree_head_no_truncate
    BEFORE TRUNCATE ON {schema}.merkle_tree_head
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.reject_tree_mutation();
CREATE TRIGGER merkle_tree_head_forward_only
    BEFORE UPDATE ON {schema}.merkle_tree_head
    FOR EACH ROW EXECUTE FUNCTION {schema}.reject_tree_head_rollback();
