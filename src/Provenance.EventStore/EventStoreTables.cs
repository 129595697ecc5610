namespace Provenance.EventStore;

/// <summary>
/// The store's tables, as its migrations create them, named once for every writer and reader (a
/// test checks each exists after migrating). Read-model tables are their projections' own.
/// </summary>
public static class EventStoreTables
{
    /// <summary>The log: one row per event, gapless positions, never updated or deleted.</summary>
    public const string Events = "events";

    /// <summary>One row per stream: its type and current version.</summary>
    public const string Streams = "streams";

    /// <summary>The log's head: the last position written (one row).</summary>
    public const string LogHead = "log_head";

    /// <summary>Each idempotency key with the request hash and the result of its first append.</summary>
    public const string IdempotencyKeys = "idempotency_keys";

    /// <summary>The Merkle tree's complete subtrees, written once each.</summary>
    public const string MerkleSubtrees = "merkle_subtrees";

    /// <summary>The Merkle tree's head: its size and root (one row).</summary>
    public const string MerkleTreeHead = "merkle_tree_head";

    /// <summary>Signed checkpoints of the Merkle tree, one per tree size, never changed.</summary>
    public const string Checkpoints = "checkpoints";

    /// <summary>Witnesses' cosignatures of the checkpoints (#17), never changed.</summary>
    public const string CheckpointCosignatures = "checkpoint_cosignatures";

    /// <summary>Where each projection stands in the log.</summary>
    public const string ProjectionCheckpoints = "projection_checkpoints";

    /// <summary>The migrations applied, with their checksums.</summary>
    public const string SchemaMigrations = "schema_migrations";

    /// <summary>The tables that make up the ledger itself (its read models aside).</summary>
    public static IReadOnlyList<string> Ledger { get; } =
        [Events, Streams, LogHead, IdempotencyKeys, MerkleSubtrees, MerkleTreeHead, Checkpoints, CheckpointCosignatures, SchemaMigrations];
}
