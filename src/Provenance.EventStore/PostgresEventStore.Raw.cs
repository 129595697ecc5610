using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Provenance.EventStore;

// Reads of the log as stored, for the Merkle tree (#5) and exports: no upcasting, no deserialization.
public sealed partial class PostgresEventStore
{
    /// <summary>
    /// The log after <paramref name="afterPosition"/> in position order, as stored, at most
    /// <paramref name="maxCount"/> events, fetched page by page so any count streams in bounded memory.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterPosition"/> or <paramref name="maxCount"/> is negative.</exception>
    public async IAsyncEnumerable<RawEvent> ReadAllRawAsync(
        long afterPosition, int maxCount, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        await foreach (var raw in PagesAsync(afterPosition, maxCount, ReadRawEvent, e => e.Position, cancellationToken).ConfigureAwait(false))
        {
            yield return raw;
        }
    }

    /// <summary>
    /// The events of <paramref name="streamIds"/> at or below <paramref name="toPosition"/>, as stored,
    /// in position order (interleaved across the streams as the log holds them), fetched a page at a time.
    /// </summary>
    public async IAsyncEnumerable<RawEvent> ReadStreamsRawAsync(
        IReadOnlyCollection<Guid> streamIds, long toPosition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        var positions = new List<long>();
        await using (var command = _dataSource.CreateCommand(_sql.StreamPositions))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("stream_ids", streamIds.ToArray()));
            command.Parameters.Add(new NpgsqlParameter<long>("to_position", toPosition));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                positions.Add(reader.GetInt64(0));
            }
        }

        foreach (var page in positions.Chunk(_options.ReadPageSize))
        {
            await using var command = _dataSource.CreateCommand(_sql.ReadPositions);
            command.Parameters.Add(new NpgsqlParameter<long[]>("positions", page));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return ReadRawEvent(reader);
            }
        }
    }

    /// <summary>
    /// What the stream index reads of the log (#16): every event after <paramref name="afterPosition"/>
    /// up to <paramref name="toPosition"/>, in position order, with its stream, version and type, and
    /// its data only when its type is one of <paramref name="dataTypes"/>; fetched a page at a time.
    /// </summary>
    public async IAsyncEnumerable<IndexedEvent> ReadForIndexAsync(
        long afterPosition, long toPosition, IReadOnlyCollection<string> dataTypes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataTypes);
        var types = dataTypes.ToArray();
        var after = afterPosition;
        while (after < toPosition)
        {
            var read = 0;
            await using (var command = _dataSource.CreateCommand(_sql.ReadForIndex))
            {
                command.Parameters.Add(new NpgsqlParameter<long>("after", after));
                command.Parameters.Add(new NpgsqlParameter<long>("to", toPosition));
                command.Parameters.Add(new NpgsqlParameter<string[]>("types", types));
                command.Parameters.Add(new NpgsqlParameter<int>("limit", IndexPageSize));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var indexed = new IndexedEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
                    after = indexed.Position;
                    read++;
                    yield return indexed;
                }
            }

            if (read == 0)
            {
                yield break;
            }
        }
    }

    /// <summary>The event at <paramref name="position"/> as stored, or null when the log is shorter.</summary>
    public async Task<RawEvent?> ReadRawEventAsync(long position, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(position);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var raw in ReadAllRawAsync(position - 1, 1, connection, cancellationToken).ConfigureAwait(false))
        {
            return raw;
        }

        return null;
    }

    /// <summary>The events of one stream after <paramref name="afterVersion"/> in version order, as stored.</summary>
    public async IAsyncEnumerable<RawEvent> ReadStreamRawAsync(
        Guid streamId, long afterVersion = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.ReadStream);
        command.Parameters.Add(new NpgsqlParameter<Guid>("stream_id", streamId));
        command.Parameters.Add(new NpgsqlParameter<long>("after_version", afterVersion));
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to_version", NpgsqlDbType.Bigint) { Value = DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("as_of", NpgsqlDbType.TimestampTz) { Value = DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadRawEvent(reader);
        }
    }

    /// <summary>One page of the log after <paramref name="afterPosition"/> as stored, on the caller's connection (and transaction).</summary>
    internal async IAsyncEnumerable<RawEvent> ReadAllRawAsync(
        long afterPosition, int maxCount, NpgsqlConnection connection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(_sql.ReadAll, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("after", afterPosition));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", maxCount));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadRawEvent(reader);
        }
    }

    private const int IndexPageSize = 10_000;

    // A text column's UTF-8 bytes as they came, in an array of their own (no UTF-16 string between):
    // the reader of the JSON columns, given no buffer to reuse, makes one of the column's length.
    private static byte[] Utf8Column(NpgsqlDataReader reader, int ordinal)
    {
        var bytes = Array.Empty<byte>();
        Utf8(reader, ordinal, ref bytes);
        return bytes;
    }

    // The columns of EventStoreSql.EventColumns, in order.
    private static RawEvent ReadRawEvent(NpgsqlDataReader reader) => new(
        Position: reader.GetInt64(0),
        EventId: reader.GetGuid(1),
        StreamId: reader.GetGuid(2),
        StreamVersion: reader.GetInt64(3),
        Type: reader.GetString(4),
        SchemaVersion: reader.GetInt32(5),
        DataUtf8: Utf8Column(reader, 6),
        MetadataUtf8: Utf8Column(reader, 7),
        RecordedAt: reader.GetFieldValue<DateTimeOffset>(8));
}
