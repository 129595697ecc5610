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

    // The rows queued for each table since the last other write, in the order the tables came.
    private readonly List<InsertRun> _runs = [];

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
        EndRuns();
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        Writes.BatchCommands.Add(command);
    }

    /// <summary>
    /// Queues a row for <paramref name="table"/> (in this schema; every column, in order), skipped if
    /// it conflicts with a row already there. The rows queued for a table between two
    /// <see cref="Write"/>s go in one statement (<c>INSERT … SELECT FROM unnest(…)</c>), so a batch of
    /// events costs a statement per table, not one per row. Each <see cref="Write"/> runs after every
    /// row queued before it and before every row queued after it; rows for different tables between
    /// two writes may be written in either order (so no table's rows may depend on another's). Values
    /// must not be null.
    /// </summary>
    public void Insert(string table, params object[] values) => InsertInto(table, null, values);

    /// <summary>
    /// As <see cref="Insert"/>, into the named <paramref name="columns"/> only (the others take their
    /// defaults); the rows for a table go in one statement only when they name the same columns.
    /// </summary>
    public void InsertInto(string table, IReadOnlyList<string>? columns, object[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentNullException.ThrowIfNull(values);
        if (Array.IndexOf(values, null) >= 0)
        {
            throw new ArgumentException("A row for Insert has no nulls; use Write for a statement that stores one.", nameof(values));
        }

        if (columns is not null && columns.Count != values.Length)
        {
            throw new ArgumentException($"{columns.Count} columns are named for {values.Length} values.", nameof(values));
        }

        var columnList = columns is null ? "" : $" ({string.Join(", ", columns.Select(SqlIdentifier.Quote))})";
        var run = _runs.Find(r => r.Table == table && r.Columns == columnList);
        if (run is null)
        {
            run = new InsertRun(table, columnList, values.Length);
            _runs.Add(run);
        }
        else if (run.Width != values.Length)
        {
            throw new ArgumentException($"Rows for {table} have {run.Width} values, not {values.Length}.", nameof(values));
        }

        run.Rows.Add(values);
    }

    /// <summary>Sends the writes queued so far, in one round trip.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        EndRuns();
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
    internal NpgsqlBatch Writes
    {
        get
        {
            EndRuns();
            return _writes ??= new NpgsqlBatch(Connection, Transaction);
        }
    }

    private void EndRuns()
    {
        if (_runs.Count == 0)
        {
            return;
        }

        var writes = _writes ??= new NpgsqlBatch(Connection, Transaction);
        foreach (var run in _runs)
        {
            writes.BatchCommands.Add(InsertCommand(run));
        }

        _runs.Clear();
    }

    private NpgsqlBatchCommand InsertCommand(InsertRun run)
    {
        var target = $"{Schema}.{SqlIdentifier.Quote(run.Table)}{run.Columns}";
        var parameters = string.Join(", ", Enumerable.Range(1, run.Width).Select(i => "$" + i));
        var command = new NpgsqlBatchCommand();
        if (run.Rows.Count == 1)
        {
            command.CommandText = $"INSERT INTO {target} VALUES ({parameters}) ON CONFLICT DO NOTHING";
            foreach (var value in run.Rows[0])
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            return command;
        }

        command.CommandText = $"INSERT INTO {target} SELECT * FROM unnest({parameters}) ON CONFLICT DO NOTHING";
        for (var column = 0; column < run.Width; column++)
        {
            var values = Array.CreateInstance(run.Rows[0][column].GetType(), run.Rows.Count);
            for (var row = 0; row < run.Rows.Count; row++)
            {
                values.SetValue(run.Rows[row][column], row);
            }

            command.Parameters.Add(new NpgsqlParameter { Value = values });
        }

        return command;
    }

    private sealed class InsertRun(string table, string columns, int width)
    {
        public string Table { get; } = table;

        public string Columns { get; } = columns;

        public int Width { get; } = width;

        public List<object[]> Rows { get; } = [];
    }

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
