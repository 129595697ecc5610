using Npgsql;
using Provenance.Integrity.Merkle;

namespace Provenance.EventStore.Integrity;

/// <summary>
/// The stored complete subtrees of the log's Merkle tree (<c>merkle_subtrees</c>), as proof
/// generation reads them: every requested hash in one round trip.
/// </summary>
public sealed class PostgresSubtreeHashSource : ISubtreeHashSource
{
    private readonly NpgsqlDataSource? _dataSource;
    private readonly NpgsqlConnection? _connection;
    private readonly string _sql;

    /// <summary>Reads through <paramref name="dataSource"/>, one pooled connection per call.</summary>
    public PostgresSubtreeHashSource(NpgsqlDataSource dataSource, EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _sql = Sql(SqlIdentifier.Quote(options.Schema));
    }

    /// <summary>Reads on <paramref name="connection"/>, inside whatever transaction it has open (the caller keeps it).</summary>
    public PostgresSubtreeHashSource(NpgsqlConnection connection, EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _sql = Sql(SqlIdentifier.Quote(options.Schema));
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">A subtree is not stored: the tree has not integrated its leaves yet.</exception>
    public async ValueTask<IReadOnlyList<byte[]>> GetSubtreeHashesAsync(IReadOnlyList<SubtreeCoordinate> subtrees, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subtrees);
        if (subtrees.Count == 0)
        {
            return [];
        }

        var levels = new short[subtrees.Count];
        var indexes = new long[subtrees.Count];
        for (var i = 0; i < subtrees.Count; i++)
        {
            levels[i] = checked((short)subtrees[i].Level);
            indexes[i] = checked((long)subtrees[i].Index);
        }

        var hashes = new byte[subtrees.Count][];
        var connection = _connection;
        var owned = connection is null;
        if (owned)
        {
            connection = await _dataSource!.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using var command = new NpgsqlCommand(_sql, connection);
            command.Parameters.Add(new NpgsqlParameter<short[]>("levels", levels));
            command.Parameters.Add(new NpgsqlParameter<long[]>("indexes", indexes));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                hashes[reader.GetInt64(0) - 1] = reader.GetFieldValue<byte[]>(1);
            }
        }
        finally
        {
            if (owned)
            {
                await connection!.DisposeAsync().ConfigureAwait(false);
            }
        }

        for (var i = 0; i < hashes.Length; i++)
        {
            if (hashes[i] is null)
            {
                throw new KeyNotFoundException($"Subtree (level {subtrees[i].Level}, index {subtrees[i].Index}) is not stored: the Merkle tree has not integrated its leaves.");
            }
        }

        return hashes;
    }

    // Driven from unnest, so each coordinate is one primary-key probe, in the order asked.
    private static string Sql(string schema) =>
        "SELECT c.ord, s.hash FROM unnest(@levels, @indexes) WITH ORDINALITY AS c(level, idx, ord) " +
        $"JOIN {schema}.{EventStoreTables.MerkleSubtrees} s ON s.level = c.level AND s.idx = c.idx";
}
