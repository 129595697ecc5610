using Npgsql;

namespace Provenance.EventStore.Projections;

/// <summary>The connection and transaction a projection writes through, and the quoted schema name.</summary>
public sealed class ProjectionContext
{
    internal ProjectionContext(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema)
    {
        Connection = connection;
        Transaction = transaction;
        Schema = schema;
    }

    /// <summary>The open connection.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The transaction the events' checkpoint (or append) commits with.</summary>
    public NpgsqlTransaction Transaction { get; }

    /// <summary>The store's schema, quoted for SQL.</summary>
    public string Schema { get; }

    /// <summary>A command on this connection and transaction.</summary>
    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);

    /// <summary>Sends several commands in one round trip.</summary>
    public NpgsqlBatch Batch() => new(Connection, Transaction);

    /// <summary>Adds a statement with positional parameters (<c>$1</c>, <c>$2</c>, …) to a batch.</summary>
    public static void Add(NpgsqlBatch batch, string sql, params object[] values)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(values);
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        batch.BatchCommands.Add(command);
    }
}
