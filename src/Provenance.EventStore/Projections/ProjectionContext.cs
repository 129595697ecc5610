using Npgsql;

namespace Provenance.EventStore.Projections;

/// <summary>
/// What a projection writes through: the connection and transaction its events' checkpoint (or
/// append) commits with, the quoted schema name, and a queue of writes. Queued writes are sent by
/// the runner after <see cref="IProjection.ApplyAsync"/> returns, in the order queued, in the same
/// round trip as the checkpoint (and, for an append, its commit): a projection that only writes
/// costs the transaction no round trip of its own.
/// </summary>
public sealed class ProjectionContext : IAsyncDisposable
{
    private NpgsqlBatch? _writes;

    internal ProjectionContext(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema)
    {
        Connection = connection;
        Transaction = transaction;
        Schema = schema;
    }

    /// <summary>The open connection.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The transaction object, when the runner uses one (an append's shared transaction is begun and committed by SQL).</summary>
    public NpgsqlTransaction? Transaction { get; }

    /// <summary>The store's schema, quoted for SQL.</summary>
    public string Schema { get; }

    /// <summary>
    /// A command that runs now, on this connection and transaction. Call <see cref="FlushAsync"/>
    /// first if it must see the writes queued so far.
    /// </summary>
    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);

    /// <summary>Queues a statement with positional parameters (<c>$1</c>, <c>$2</c>, …).</summary>
    public void Write(string sql, params object[] values)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(values);
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        Writes.BatchCommands.Add(command);
    }

    /// <summary>Sends the writes queued so far, in one round trip.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_writes is { BatchCommands.Count: > 0 } writes)
        {
            _writes = null;
            await using (writes.ConfigureAwait(false))
            {
                await writes.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The queued writes, for the runner to send with its own statements.</summary>
    internal NpgsqlBatch Writes => _writes ??= new NpgsqlBatch(Connection, Transaction);

    /// <summary>Drops writes never sent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_writes is { } writes)
        {
            _writes = null;
            await writes.DisposeAsync().ConfigureAwait(false);
        }
    }
}
