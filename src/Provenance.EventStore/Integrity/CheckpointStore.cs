using Npgsql;
using Provenance.Integrity.Merkle;

namespace Provenance.EventStore.Integrity;

/// <summary>A signed checkpoint as stored: one per tree size, never changed.</summary>
/// <param name="TreeSize">The number of leaves it commits to.</param>
/// <param name="RootHash">The tree's 32-byte RFC 9162 root hash at that size.</param>
/// <param name="Note">The signed note, as signed.</param>
/// <param name="KeyId">The signing key's identifier.</param>
/// <param name="SignedAt">When the database recorded it.</param>
public sealed record StoredCheckpoint(long TreeSize, byte[] RootHash, string Note, string KeyId, DateTimeOffset SignedAt);

/// <summary>A signed note of a tree head, and the key that signed it.</summary>
/// <param name="Note">The signed note.</param>
/// <param name="KeyId">The signing key's identifier.</param>
public sealed record CheckpointSignature(string Note, string KeyId);

/// <summary>A witness's cosignature of a stored checkpoint (#17): its signature line, as the witness answered it.</summary>
/// <param name="TreeSize">The checkpoint's tree size.</param>
/// <param name="Witness">The witness's key name.</param>
/// <param name="KeyId">The witness's key ID, 8 lowercase hex digits.</param>
/// <param name="CosignedAt">When the witness says it cosigned (the cosignature's timestamp).</param>
/// <param name="Line">The signature line, ending in a newline.</param>
public sealed record StoredCosignature(long TreeSize, string Witness, string KeyId, DateTimeOffset CosignedAt, string Line);

/// <summary>
/// The log's signed checkpoints (<c>checkpoints</c>, written only through <c>record_checkpoint</c>):
/// read them, and store a new one at most once per tree size. Before storing, the root is checked
/// against the stored subtrees and proved consistent with the latest stored checkpoint, so the
/// ledger never signs two views of its log that cannot both hold. The signature itself is the
/// caller's (the store holds no key).
/// </summary>
public sealed class CheckpointStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly EventStoreOptions _options;
    private readonly string _latest;
    private readonly string _bySize;
    private readonly string _lockHead;
    private readonly string _record;
    private readonly string _recordCosignature;
    private readonly string _cosignatures;
    private readonly string _latestCosigned;

    /// <summary>A store of the checkpoints in <paramref name="options"/>' schema.</summary>
    public CheckpointStore(NpgsqlDataSource dataSource, EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _options = options;
        var schema = SqlIdentifier.Quote(options.Schema);
        const string columns = "tree_size, root, note, key_id, signed_at";
        _latest = $"SELECT {columns} FROM {schema}.{EventStoreTables.Checkpoints} ORDER BY tree_size DESC LIMIT 1";
        _bySize = $"SELECT {columns} FROM {schema}.{EventStoreTables.Checkpoints} WHERE tree_size = @size";
        _lockHead = $"SELECT size, root FROM {schema}.lock_merkle_tree_head()";
        _record = $"SELECT {schema}.record_checkpoint(@size, @root, @note, @key_id)";
        _recordCosignature = $"SELECT {schema}.record_cosignature(@size, @witness, @key_id, @cosigned_at, @line)";
        _cosignatures = $"SELECT tree_size, witness, key_id, cosigned_at, line FROM {schema}.{EventStoreTables.CheckpointCosignatures} WHERE tree_size = @size ORDER BY witness, key_id";
        _latestCosigned = $"SELECT max(tree_size) FROM {schema}.{EventStoreTables.CheckpointCosignatures} WHERE witness = @witness AND key_id = @key_id";
    }

    /// <summary>Stores a witness's cosignature of the checkpoint of <paramref name="treeSize"/>; false when that witness key's is already stored.</summary>
    public async Task<bool> RecordCosignatureAsync(long treeSize, string witness, string keyId, DateTimeOffset cosignedAt, string line, CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand(_recordCosignature);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<long>("size", treeSize));
            command.Parameters.Add(new NpgsqlParameter<string>("witness", witness));
            command.Parameters.Add(new NpgsqlParameter<string>("key_id", keyId));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("cosigned_at", cosignedAt.ToUniversalTime()));
            command.Parameters.Add(new NpgsqlParameter<string>("line", line));
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <summary>The cosignatures stored for the checkpoint of <paramref name="treeSize"/>, by witness.</summary>
    public async Task<IReadOnlyList<StoredCosignature>> GetCosignaturesAsync(long treeSize, CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand(_cosignatures);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<long>("size", treeSize));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var cosignatures = new List<StoredCosignature>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    cosignatures.Add(new StoredCosignature(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                        reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4)));
                }

                return cosignatures;
            }
        }
    }

    /// <summary>The largest tree size a witness key has cosigned here, or null.</summary>
    public async Task<long?> GetLatestCosignedSizeAsync(string witness, string keyId, CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand(_latestCosigned);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("witness", witness));
            command.Parameters.Add(new NpgsqlParameter<string>("key_id", keyId));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long size ? size : null;
        }
    }

    /// <summary>The checkpoint of the largest tree size, or null when none is stored.</summary>
    public async Task<StoredCheckpoint?> GetLatestAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadOneAsync(connection, _latest, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The checkpoint of <paramref name="treeSize"/> leaves, or null when none is stored.</summary>
    public async Task<StoredCheckpoint?> GetAsync(long treeSize, CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadOneAsync(connection, _bySize, treeSize, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Signs (with <paramref name="sign"/>, given the size and root, while the head stays locked) and stores a checkpoint of <paramref name="claimed"/>, or of
    /// the tree head when null, after checking it against the stored tree and the latest checkpoint.
    /// The tree head's row lock, held meanwhile, orders checkpoint writers and integration batches
    /// across instances. Created is false when that size already had a checkpoint (of the same root).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The claimed size is past the tree's.</exception>
    /// <exception cref="LogIntegrityException">The root is not the stored tree's, or it is inconsistent with a stored checkpoint.</exception>
    public async Task<(StoredCheckpoint Checkpoint, bool Created)> SignAndStoreAsync(
        TreeHead? claimed, Func<long, byte[], CancellationToken, Task<CheckpointSignature>> sign, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sign);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var head = await LockHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var (size, root) = claimed ?? head;
                if (size > head.Size)
                {
                    throw new ArgumentOutOfRangeException(nameof(claimed), $"The Merkle tree has {head.Size} leaves; it cannot be checkpointed at {size}.");
                }

                var existing = await ReadOneAsync(connection, _bySize, size, cancellationToken).ConfigureAwait(false);
                if (existing is not null)
                {
                    return existing.RootHash.AsSpan().SequenceEqual(root)
                        ? (existing, false)
                        : throw Refuse($"A checkpoint of {size} leaves is already stored with another root.");
                }

                var source = new PostgresSubtreeHashSource(connection, _options);
                var storedRoot = await MerkleTree.RootHashAsync(source, (ulong)size, cancellationToken).ConfigureAwait(false);
                if (!storedRoot.AsSpan().SequenceEqual(root))
                {
                    throw Refuse($"The root to sign for {size} leaves is not the root of the stored Merkle tree.");
                }

                if (await ReadOneAsync(connection, _latest, null, cancellationToken).ConfigureAwait(false) is { } latest)
                {
                    await ProveConsistentAsync(source, head, latest, size, root, cancellationToken).ConfigureAwait(false);
                }

                var signature = await sign(size, root, cancellationToken).ConfigureAwait(false);
                var insert = new NpgsqlCommand(_record, connection, transaction);
                await using (insert.ConfigureAwait(false))
                {
                    insert.Parameters.Add(new NpgsqlParameter<long>("size", size));
                    insert.Parameters.Add(new NpgsqlParameter<byte[]>("root", root));
                    insert.Parameters.Add(new NpgsqlParameter<string>("note", signature.Note));
                    insert.Parameters.Add(new NpgsqlParameter<string>("key_id", signature.KeyId));
                    var signedAt = (DateTime)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return (new StoredCheckpoint(size, root, signature.Note, signature.KeyId, new DateTimeOffset(signedAt, TimeSpan.Zero)), true);
                }
            }
        }
    }

    private async Task<TreeHead> LockHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(_lockHead, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return new TreeHead(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
            }
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

            var proof = await MerkleTree.ConsistencyProofAsync(source, (ulong)size1, (ulong)size2, cancellationToken).ConfigureAwait(false);
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
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            if (size is { } value)
            {
                command.Parameters.Add(new NpgsqlParameter<long>("size", value));
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                return new StoredCheckpoint(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4));
            }
        }
    }
}
