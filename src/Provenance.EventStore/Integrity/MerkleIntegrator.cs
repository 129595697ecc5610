using Npgsql;
using NpgsqlTypes;
using Provenance.Integrity.Merkle;

namespace Provenance.EventStore.Integrity;

/// <summary>
/// Makes every event of the log a leaf of its RFC 9162 Merkle tree, after the append has committed
/// (as Trillian's and Tessera's integrators do, never inside the append). Each batch, in one
/// transaction: lock the tree head, read the next events in position order, write their canonical
/// envelopes, and hand them to the database's <c>integrate_leaves</c>, which checks each envelope
/// against the event it stands for, hashes the leaves, stores the complete subtrees they close and
/// moves the head. A crash never loses or doubles a leaf; instances sharing the database take turns
/// on the head's row lock.
/// </summary>
/// <remarks>
/// The tree is computed by the database, under the schema owner's rights (#14): the run-time role
/// may not insert a subtree or move the head itself, so it cannot make the tree commit to anything
/// but the log. This process only canonicalizes, which SQL cannot do. A batch costs three round
/// trips: lock, read, integrate.
/// </remarks>
public sealed class MerkleIntegrator : IDisposable
{
    /// <summary>Events per batch unless the caller says otherwise.</summary>
    public const int DefaultBatchSize = 5_000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresEventStore _store;
    private readonly string _lockHead;
    private readonly string _readHead;
    private readonly string _integrate;
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Creates an integrator over the store's database (a role that may execute <c>integrate_leaves</c>).</summary>
    public MerkleIntegrator(NpgsqlDataSource dataSource, PostgresEventStore store, EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _store = store;
        var schema = SqlIdentifier.Quote(options.Schema);
        _readHead = $"SELECT size, root FROM {schema}.{EventStoreTables.MerkleTreeHead} WHERE singleton";
        _lockHead = $"SELECT size, root FROM {schema}.lock_merkle_tree_head()";
        _integrate = $"SELECT size, root FROM {schema}.integrate_leaves(@from, @envelopes)";
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

            var envelopes = new byte[events.Count][];
            for (var i = 0; i < events.Count; i++)
            {
                // Leaf n is the event at position n + 1: a gap would shift every later leaf.
                if (events[i].Position != head.Size + i + 1)
                {
                    throw new LogIntegrityException(
                        $"The log has a gap: the Merkle tree has {head.Size + i} leaves, so the next event must be at position {head.Size + i + 1}, not {events[i].Position}.");
                }
            }

            Parallel.For(0, events.Count, i => envelopes[i] = EventEnvelope.ToCanonicalBytes(events[i]));
            TreeHead integrated;
            try
            {
                await using var integrate = new NpgsqlCommand(_integrate, connection, transaction);
                integrate.Parameters.Add(new NpgsqlParameter<long>("from", head.Size));
                integrate.Parameters.Add(new NpgsqlParameter<byte[][]>("envelopes", envelopes) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                await using var reader = await integrate.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                integrated = new TreeHead(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DataCorrupted)
            {
                throw new LogIntegrityException(
                    $"The Merkle tree was changed outside the ledger: {e.MessageText}.", e);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new IntegrationResult(events.Count, integrated);
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
}
