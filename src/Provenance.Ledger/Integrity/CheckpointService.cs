using Microsoft.Extensions.Options;
using Npgsql;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;

namespace Provenance.Ledger.Integrity;

/// <summary>A signed checkpoint as stored: one per tree size, never changed.</summary>
internal sealed record StoredCheckpoint(long TreeSize, byte[] RootHash, string Note, string KeyId, DateTimeOffset SignedAt);

/// <summary>
/// Signs the Merkle tree head as a C2SP checkpoint and stores it, at most one per tree size. Before
/// storing, it checks the root against the stored subtrees and proves the new checkpoint consistent
/// with the latest stored one, so the ledger never signs two views of its log that cannot both hold.
/// </summary>
internal sealed partial class CheckpointService(
    NpgsqlDataSource dataSource,
    EventStoreOptions storeOptions,
    PostgresEventStore store,
    MerkleIntegrator integrator,
    SigningKey signingKey,
    IOptions<IntegrityOptions> options,
    ILogger<CheckpointService> logger)
{
    private const string Columns = "tree_size, root, note, key_id, signed_at";
    private readonly string _schema = "\"" + storeOptions.Schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public async Task<StoredCheckpoint?> GetLatestAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadOneAsync(connection, $"SELECT {Columns} FROM {_schema}.checkpoints ORDER BY tree_size DESC LIMIT 1", null, cancellationToken);
    }

    public async Task<StoredCheckpoint?> GetAsync(long treeSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadOneAsync(connection, $"SELECT {Columns} FROM {_schema}.checkpoints WHERE tree_size = @size", treeSize, cancellationToken);
    }

    /// <summary>Integrates the log up to its head as of now, then checkpoints the tree head. Created is false when that size already had one.</summary>
    public async Task<(StoredCheckpoint Checkpoint, bool Created)> CheckpointLogHeadAsync(CancellationToken cancellationToken)
    {
        var position = await store.GetHeadPositionAsync(cancellationToken);
        await integrator.CatchUpAsync(position, options.Value.IntegrationBatchSize, cancellationToken);
        return await SignAndStoreAsync(null, cancellationToken);
    }

    /// <summary>Checkpoints the tree head when the tree grew past the latest checkpoint (the periodic checkpoint); null otherwise.</summary>
    public async Task<StoredCheckpoint?> CheckpointIfGrownAsync(CancellationToken cancellationToken)
    {
        var latest = await GetLatestAsync(cancellationToken);
        var head = await integrator.GetTreeHeadAsync(cancellationToken);
        if (head.Size <= (latest?.TreeSize ?? 0))
        {
            return null;
        }

        var (checkpoint, created) = await SignAndStoreAsync(null, cancellationToken);
        return created ? checkpoint : null;
    }

    /// <summary>
    /// Signs and stores a checkpoint of <paramref name="claimed"/> (size and root), or of the tree head
    /// when null, after checking it against the stored tree and the latest checkpoint.
    /// </summary>
    /// <exception cref="LogIntegrityException">The root is not the stored tree's, or it is inconsistent with a stored checkpoint.</exception>
    internal async Task<(StoredCheckpoint Checkpoint, bool Created)> SignAndStoreAsync(TreeHead? claimed, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The tree head's row lock orders checkpoint writers (and integration batches) across instances.
        TreeHead head;
        await using (var lockHead = new NpgsqlCommand($"SELECT size, root FROM {_schema}.lock_merkle_tree_head()", connection, transaction))
        await using (var reader = await lockHead.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            head = new TreeHead(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
        }

        var (size, root) = claimed ?? head;
        if (size > head.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(claimed), $"The Merkle tree has {head.Size} leaves; it cannot be checkpointed at {size}.");
        }

        var existing = await ReadOneAsync(connection, $"SELECT {Columns} FROM {_schema}.checkpoints WHERE tree_size = @size", size, cancellationToken);
        if (existing is not null)
        {
            return existing.RootHash.AsSpan().SequenceEqual(root)
                ? (existing, false)
                : throw Refuse($"A checkpoint of {size} leaves is already stored with another root.");
        }

        var source = new PostgresSubtreeHashSource(connection, storeOptions);
        var storedRoot = await MerkleTree.RootHashAsync(source, (ulong)size, cancellationToken);
        if (!storedRoot.AsSpan().SequenceEqual(root))
        {
            throw Refuse($"The root to sign for {size} leaves is not the root of the stored Merkle tree.");
        }

        var latest = await ReadOneAsync(connection, $"SELECT {Columns} FROM {_schema}.checkpoints ORDER BY tree_size DESC LIMIT 1", null, cancellationToken);
        if (latest is not null)
        {
            await ProveConsistentAsync(source, head, latest, size, root, cancellationToken);
        }

        var signer = signingKey.Signer;
        var note = signer.Sign(new Checkpoint(options.Value.Origin, (ulong)size, root));
        var keyId = SigningKey.FormatKeyId(signer.VerifierKey.KeyId);
        await using (var insert = new NpgsqlCommand(
            $"SELECT {_schema}.record_checkpoint(@size, @root, @note, @key_id)", connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<long>("size", size));
            insert.Parameters.Add(new NpgsqlParameter<byte[]>("root", root));
            insert.Parameters.Add(new NpgsqlParameter<string>("note", note));
            insert.Parameters.Add(new NpgsqlParameter<string>("key_id", keyId));
            var signedAt = (DateTime)(await insert.ExecuteScalarAsync(cancellationToken))!;
            await transaction.CommitAsync(cancellationToken);
            LogSigned(logger, size, keyId);
            return (new StoredCheckpoint(size, root, note, keyId, new DateTimeOffset(signedAt, TimeSpan.Zero)), true);
        }
    }

    // RFC 9162 consistency, from the stored subtrees, between the latest checkpoint and the new one
    // (whichever is smaller first). Every tree extends the empty one.
    private static async Task ProveConsistentAsync(
        PostgresSubtreeHashSource source, TreeHead head, StoredCheckpoint latest, long size, byte[] root, CancellationToken cancellationToken)
    {
        if (latest.TreeSize > head.Size)
        {
            throw Refuse($"The latest checkpoint is of {latest.TreeSize} leaves, but the Merkle tree has only {head.Size}.");
        }

        var (size1, root1, size2, root2) = latest.TreeSize <= size
            ? (latest.TreeSize, latest.RootHash, size, root)
            : (size, root, latest.TreeSize, latest.RootHash);
        try
        {
            if (size1 == 0)
            {
                if (!root1.AsSpan().SequenceEqual(MerkleTree.EmptyRootHash))
                {
                    throw Refuse("A checkpoint of the empty tree is stored with a root other than the empty tree's.");
                }

                return;
            }

            var proof = await MerkleTree.ConsistencyProofAsync(source, (ulong)size1, (ulong)size2, cancellationToken);
            MerkleTree.VerifyConsistency((ulong)size1, (ulong)size2, proof, root1, root2);
        }
        catch (MerkleProofException e)
        {
            throw Refuse($"The tree of {size} leaves is not consistent with the latest checkpoint ({latest.TreeSize} leaves): {e.Message}", e);
        }
    }

    private static LogIntegrityException Refuse(string reason, Exception? inner = null) =>
        new($"Checkpoint refused: {reason} The log, its Merkle tree or its checkpoints were changed outside the ledger.", inner);

    private static async Task<StoredCheckpoint?> ReadOneAsync(NpgsqlConnection connection, string sql, long? size, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (size is { } value)
        {
            command.Parameters.Add(new NpgsqlParameter<long>("size", value));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredCheckpoint(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2), reader.GetString(3),
            reader.GetFieldValue<DateTimeOffset>(4));
    }

    [LoggerMessage(LogLevel.Information, "Signed the checkpoint of {TreeSize} leaves with key {KeyId}")]
    private static partial void LogSigned(ILogger logger, long treeSize, string keyId);
}
