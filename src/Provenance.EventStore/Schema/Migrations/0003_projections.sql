-- 0003: where each projection stands in the log. Because the log is gapless and visible strictly
-- in position order, "everything up to N has been applied" is the whole state of a projection:
-- no high-water marks, no gap detection, no timeouts.
CREATE TABLE {schema}.projection_checkpoints (
    name        text        PRIMARY KEY,
    position    bigint      NOT NULL CHECK (position >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
