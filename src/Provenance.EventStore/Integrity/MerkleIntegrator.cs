using Npgsql;
using NpgsqlTypes;
using Provenance.Integrity.Merkle;

namespace Provenance.EventStore.Integrity;

/// <summary>
/// Makes every event of the log a leaf of its RFC 9162 Merkle tree, after the append has committed
/// (as Trillian's and Tessera's integrators do, never inside the append). Each batch, in one
/// transaction: lock the tree head, read the next events in position order, hash their canonical
/// envelopes, store the complete subtrees they close, move the head. A crash never loses or doubles
/// a leaf; instances sharing the database take turns on the head's row lock.
/// </summary>
/// <remarks>
/// Between batches the builder's frontier is kept in memory and reused when the stored head is still
/// where this instance left it, so a batch costs three round trips: lock, read, write.
/// </remarks>
public sealed class MerkleIntegrator : IDisposable
{
    /// <summary>Events per batch unless the caller says otherwise.</summary>
    public const int DefaultBatchSize = 5_000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresEventStore _store;
    private readonly EventStoreOptions _options;
    private readonly string _lockHead;
    private readonly string _readHead;
    private readonly string _write;
    private readonly SemaphoreSlim _turn = new(1, 1);

    // The tree as of this instance's last committed batch; null when unknown or possibly stale.
    private MerkleTreeBuilder? _builder;

    /// <summary>Creates an integrator over the store's database (a role that may insert subtrees and update the head).</summary>
    public MerkleIntegrator(NpgsqlDataSource dataSource, PostgresEventStore store, EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _store = store;
        _options = options;
        var schema = SqlIdentifier.Quote(options.Schema);
        _readHead = $"SELECT size, root FROM {schema}.merkle_tree_head WHERE singleton";
        _lockHead = _readHead + " FOR UPDATE";
        _write =
            $"INSERT INTO {schema}.merkle_subtrees (level, idx, hash) SELECT * FROM unnest(@levels, @indexes, @hashes); " +
            $"UPDATE {schema}.merkle_tree_head SET size = @size, root = @root, updated_at = now() WHERE singleton";
    }

    /// <summary>The tree head as stored now.</summary>
    public async Task<TreeHead> GetTreeHeadAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_readHead);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new TreeHead(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
    }

    /// <summary>
    /// Integrates the next batch of at most <paramref name="batchSize"/> events after the tree head,
    /// in one transaction. Returns how many it integrated (0: caught up) and the new head.
    /// </summary>
    /// <exception cref="LogIntegrityException">The log has a gap, or the stored head and subtrees disagree.</exception>
    public async Task<IntegrationResult> IntegrateOnceAsync(int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var head = await LockHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var events = await _store.ReadAllRawAsync(head.Size, batchSize, connection, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (events.Count == 0)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return new IntegrationResult(0, head);
            }

            var builder = await ResumeAsync(connection, head, cancellationToken).ConfigureAwait(false);
            _builder = null; // Changed below; kept again only once the batch commits.
            var leaves = new byte[events.Count][];
            Parallel.For(0, events.Count, i => leaves[i] = EventEnvelope.LeafHash(events[i]));

            var levels = new List<short>(events.Count * 2);
            var indexes = new List<long>(events.Count * 2);
            var hashes = new List<byte[]>(events.Count * 2);
            for (var i = 0; i < events.Count; i++)
            {
                // Leaf n is the event at position n + 1: a gap would shift every later leaf.
                if (events[i].Position != (long)builder.Size + 1)
                {
                    throw new LogIntegrityException(
                        $"The log has a gap: the Merkle tree has {builder.Size} leaves, so the next event must be at position {builder.Size + 1}, not {events[i].Position}.");
                }

                foreach (var (subtree, hash) in builder.Append(leaves[i]))
                {
                    levels.Add((short)subtree.Level);
                    indexes.Add((long)subtree.Index);
                    hashes.Add(hash.ToArray());
                }
            }

            var root = builder.RootHash();
            await using (var write = new NpgsqlCommand(_write, connection, transaction))
            {
                write.Parameters.Add(new NpgsqlParameter<short[]>("levels", levels.ToArray()));
                write.Parameters.Add(new NpgsqlParameter<long[]>("indexes", indexes.ToArray()));
                write.Parameters.Add(new NpgsqlParameter<byte[][]>("hashes", hashes.ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                write.Parameters.Add(new NpgsqlParameter<long>("size", (long)builder.Size));
                write.Parameters.Add(new NpgsqlParameter<byte[]>("root", root));
                await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _builder = builder;
            return new IntegrationResult(events.Count, new TreeHead((long)builder.Size, root));
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// Integrates batch after batch until the tree holds at least the first <paramref name="position"/>
    /// events (or the whole log, when it is shorter). Returns the head reached.
    /// </summary>
    /// <exception cref="LogIntegrityException">The log has a gap, or the stored head and subtrees disagree.</exception>
    public async Task<TreeHead> CatchUpAsync(long position, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var result = await IntegrateOnceAsync(batchSize, cancellationToken).ConfigureAwait(false);
            if (result.Integrated == 0 || result.Head.Size >= position)
            {
                return result.Head;
            }
        }
    }

    /// <summary>Releases the lock that serializes this instance's batches.</summary>
    public void Dispose() => _turn.Dispose();

    private async Task<TreeHead> LockHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(_lockHead, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new LogIntegrityException("The Merkle tree head row is missing.");
        }

        return new TreeHead(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
    }

    private async Task<MerkleTreeBuilder> ResumeAsync(NpgsqlConnection connection, TreeHead head, CancellationToken cancellationToken)
    {
        if (_builder is { } cached && cached.Size == (ulong)head.Size && cached.RootHash().AsSpan().SequenceEqual(head.RootHash))
        {
            return cached;
        }

        MerkleTreeBuilder resumed;
        try
        {
            resumed = await MerkleTreeBuilder.ResumeAsync(new PostgresSubtreeHashSource(connection, _options), (ulong)head.Size, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyNotFoundException e)
        {
            throw new LogIntegrityException($"The Merkle tree head says {head.Size} leaves, but their subtrees are not all stored.", e);
        }

        if (!resumed.RootHash().AsSpan().SequenceEqual(head.RootHash))
        {
            throw new LogIntegrityException(
                $"The Merkle tree head's root for {head.Size} leaves is not the root of its stored subtrees: the head or the subtrees were changed outside the ledger.");
        }

        return resumed;
    }
}
