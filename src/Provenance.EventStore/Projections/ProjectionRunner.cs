using Npgsql;

namespace Provenance.EventStore.Projections;

/// <summary>
/// Runs projections over the log: catches an asynchronous projection up in batches (each batch's
/// read-model writes and checkpoint commit together, so a crash never loses or doubles one), and
/// rebuilds any projection from position 0. Several instances may run the same projection: the
/// checkpoint row is locked for each batch, so they take turns and never apply an event twice.
/// </summary>
public sealed class ProjectionRunner
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresEventStore _store;
    private readonly string _schema;

    /// <summary>Creates a runner over the store's database.</summary>
    public ProjectionRunner(NpgsqlDataSource dataSource, PostgresEventStore store, EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _store = store;
        _schema = SqlIdentifier.Quote(options.Schema);
    }

    /// <summary>The position up to which the projection has applied the log (0 when it never ran).</summary>
    public async Task<long> GetCheckpointAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT position FROM {_schema}.{EventStoreTables.ProjectionCheckpoints} WHERE name = @name");
        command.Parameters.Add(new NpgsqlParameter<string>("name", name));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long? ?? 0;
    }

    /// <summary>
    /// Applies the next batch of events after the projection's checkpoint (only those of its
    /// <see cref="IProjection.EventTypes"/>), in one transaction with the new checkpoint, which also
    /// passes over the events of other types. Returns how many events it applied (0: caught up).
    /// </summary>
    public async Task<int> CatchUpOnceAsync(IProjection projection, int batchSize = 500, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projection);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var checkpoint = await LockCheckpointAsync(connection, transaction, projection.Name, cancellationToken).ConfigureAwait(false);
        var page = await _store.ReadPageAsync(checkpoint, batchSize, _store.WireNames(projection.EventTypes), connection, cancellationToken).ConfigureAwait(false);
        if (page.Through == checkpoint)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        await using (var context = new ProjectionContext(connection, transaction, _schema))
        {
            if (page.Events.Count > 0)
            {
                await projection.ApplyAsync(context, page.Events, cancellationToken).ConfigureAwait(false);
            }

            await FlushWithCheckpointAsync(context, [projection.Name], page.Through, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return page.Events.Count;
    }

    /// <summary>
    /// Empties the projection's tables and replays the whole log into them in one transaction.
    /// Its tables are locked meanwhile, so an inline append waits and then applies on top, and an
    /// asynchronous runner waits on the checkpoint. Returns the number of events replayed.
    /// </summary>
    public async Task<long> RebuildAsync(IProjection projection, int batchSize = 5_000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projection);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Locks are taken in the order the projection's other writer takes them, so they cannot
        // deadlock: an inline append writes the tables and then its checkpoint; an asynchronous
        // runner locks the checkpoint and then writes the tables.
        var inline = _store.InlineProjections.Contains(projection);
        if (!inline)
        {
            await LockCheckpointAsync(connection, transaction, projection.Name, cancellationToken).ConfigureAwait(false);
        }

        foreach (var table in projection.Tables)
        {
            var qualified = $"{_schema}.{SqlIdentifier.Quote(table)}";
            await using var clear = new NpgsqlCommand($"LOCK TABLE {qualified} IN EXCLUSIVE MODE; DELETE FROM {qualified}", connection, transaction);
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (inline)
        {
            await LockCheckpointAsync(connection, transaction, projection.Name, cancellationToken).ConfigureAwait(false);
        }

        await using var context = new ProjectionContext(connection, transaction, _schema);
        long after = 0, replayed = 0;
        var types = _store.WireNames(projection.EventTypes);

        // The log is read a page ahead on a second connection (#22): reading and deserializing the
        // next page overlaps applying this one, where one connection did each in turn. Both read
        // committed rows only, as the rebuild's own connection did, and the tables stay locked by it.
        await using var reading = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        Task<LogPage>? next = _store.ReadPageAsync(after, batchSize, types, reading, cancellationToken);
        try
        {
            while (true)
            {
                var page = await next!.ConfigureAwait(false);
                var full = page.Events.Count == batchSize;
                next = full ? _store.ReadPageAsync(page.Through, batchSize, types, reading, cancellationToken) : null;
                if (page.Events.Count > 0)
                {
                    await projection.ApplyAsync(context, page.Events, cancellationToken).ConfigureAwait(false);
                    await context.FlushAsync(cancellationToken).ConfigureAwait(false);
                    replayed += page.Events.Count;
                }

                after = page.Through;
                if (!full)
                {
                    break;
                }
            }
        }
        finally
        {
            // A failed apply leaves a read in flight on the second connection: let it end before that connection closes.
            if (next is not null)
            {
                try
                {
                    await next.ConfigureAwait(false);
                }
                catch (Exception) when (next.IsFaulted || next.IsCanceled)
                {
                    // The apply's failure is the one reported.
                }
            }
        }

        await FlushWithCheckpointAsync(context, [projection.Name], after, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return replayed;
    }

    /// <summary>Queues the checkpoints of <paramref name="names"/> at <paramref name="position"/> after the context's writes.</summary>
    internal static void QueueCheckpoints(ProjectionContext context, string[] names, long position) =>
        context.Write(
            $"INSERT INTO {context.Schema}.{EventStoreTables.ProjectionCheckpoints} (name, position, updated_at) SELECT unnest($1::text[]), $2, now() " +
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at", names, position);

    private static async Task FlushWithCheckpointAsync(ProjectionContext context, string[] names, long position, CancellationToken cancellationToken)
    {
        QueueCheckpoints(context, names, position);
        await context.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<long> LockCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var ensure = new NpgsqlCommand(
            $"INSERT INTO {_schema}.{EventStoreTables.ProjectionCheckpoints} (name, position) VALUES (@name, 0) ON CONFLICT (name) DO NOTHING; " +
            $"SELECT position FROM {_schema}.{EventStoreTables.ProjectionCheckpoints} WHERE name = @name FOR UPDATE", connection, transaction);
        ensure.Parameters.Add(new NpgsqlParameter<string>("name", name));
        return (long)(await ensure.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
