using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Provenance.EventStore.Appending;
using Provenance.EventStore.Projections;
using Provenance.EventStore.Serialization;

namespace Provenance.EventStore;

/// <summary>
/// The event store on PostgreSQL: atomic appends with an expected version, gapless global order,
/// idempotent appends, and streamed reads of one stream or of the whole log.
/// </summary>
public sealed partial class PostgresEventStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly EventSerializer _serializer;
    private readonly EventStoreOptions _options;
    private readonly EventStoreSql _sql;
    private readonly string _schema;
    private readonly List<IProjection> _inline;
    private readonly string[] _inlineNames;

    // Each inline projection's event types, as a set (null: every type), looked up for every event appended.
    private readonly HashSet<Type>?[] _inlineTypes;

    /// <summary>
    /// Creates the store over a data source whose role may read and append. Inline projections are
    /// applied in the same transaction as every append, so they are never behind the log.
    /// </summary>
    public PostgresEventStore(
        NpgsqlDataSource dataSource,
        EventSerializer serializer,
        EventStoreOptions options,
        IEnumerable<IProjection>? inlineProjections = null,
        AppendHealth? appendHealth = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _serializer = serializer;
        _options = options;
        _schema = SqlIdentifier.Quote(options.Schema);
        _sql = new EventStoreSql(_schema);
        _inline = inlineProjections?.ToList() ?? [];
        _inlineNames = _inline.Select(p => p.Name).ToArray();
        _inlineTypes = _inline.Select(p => p.EventTypes is { } types ? new HashSet<Type>(types) : null).ToArray();
        Health = appendHealth ?? new AppendHealth(TimeProvider.System);
    }

    /// <summary>The projections applied inside every append.</summary>
    public IReadOnlyList<IProjection> InlineProjections => _inline;

    /// <summary>What an idempotency key was first used for, or null when it is unused.</summary>
    public async Task<IdempotencyLookup?> FindIdempotencyKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.FindIdempotencyKey);
        command.Parameters.Add(new NpgsqlParameter<string>("key", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var result = new AppendResult(
            reader.GetGuid(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
            reader.GetFieldValue<DateTimeOffset>(5), Replayed: true) { Resource = reader.IsDBNull(6) ? null : reader.GetString(6) };
        return new IdempotencyLookup(reader.GetFieldValue<byte[]>(0), result);
    }

    /// <summary>The stream's header, or null when it does not exist.</summary>
    public async Task<StreamInfo?> GetStreamAsync(Guid streamId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.GetStream);
        command.Parameters.Add(new NpgsqlParameter<Guid>("stream_id", streamId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new StreamInfo(
            streamId, reader.GetString(0), reader.GetInt64(1),
            reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3));
    }

    /// <summary>The headers of those of <paramref name="streamIds"/> that exist, in one round trip.</summary>
    public async Task<IReadOnlyList<StreamInfo>> GetStreamsAsync(IReadOnlyCollection<Guid> streamIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        await using var command = _dataSource.CreateCommand(_sql.GetStreams);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("stream_ids", streamIds.ToArray()));
        var streams = new List<StreamInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            streams.Add(new StreamInfo(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return streams;
    }

    /// <summary>The streams (id and type) that events after <paramref name="afterPosition"/>, up to <paramref name="toPosition"/>, were appended to.</summary>
    public async Task<IReadOnlyList<(Guid StreamId, string StreamType)>> GetStreamsTouchedAsync(
        long afterPosition, long toPosition, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.StreamsTouched);
        command.Parameters.Add(new NpgsqlParameter<long>("after", afterPosition));
        command.Parameters.Add(new NpgsqlParameter<long>("to", toPosition));
        var touched = new List<(Guid, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            touched.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        return touched;
    }

    /// <summary>
    /// The version each of <paramref name="streamIds"/> had at log position <paramref name="toPosition"/>
    /// (streams that did not exist then are left out), in one round trip. With the version, a state
    /// folded once can be reused: a stream's first N events never change.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, long>> GetStreamVersionsAsync(
        IReadOnlyCollection<Guid> streamIds, long toPosition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        await using var command = _dataSource.CreateCommand(_sql.StreamVersionsAt);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("stream_ids", streamIds.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long>("to_position", toPosition));
        var versions = new Dictionary<Guid, long>(streamIds.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!reader.IsDBNull(1))
            {
                versions[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }

        return versions;
    }

    /// <summary>
    /// The events of one stream in version order: after <paramref name="afterVersion"/>, up to
    /// <paramref name="toVersion"/>, recorded at or before <paramref name="asOf"/>, at most
    /// <paramref name="maxCount"/> of them (each limit optional).
    /// </summary>
    public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(
        Guid streamId,
        long afterVersion = 0,
        long? toVersion = null,
        DateTimeOffset? asOf = null,
        int? maxCount = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.ReadStream);
        command.Parameters.Add(new NpgsqlParameter<Guid>("stream_id", streamId));
        command.Parameters.Add(new NpgsqlParameter<long>("after_version", afterVersion));
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = (object?)maxCount ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to_version", NpgsqlDbType.Bigint) { Value = (object?)toVersion ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("as_of", NpgsqlDbType.TimestampTz) { Value = (object?)asOf ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadEvent(reader);
        }
    }

    /// <summary>
    /// The whole log after <paramref name="afterPosition"/> in position order, fetched page by page
    /// so that a log of any size streams in bounded memory. Stops after <paramref name="maxCount"/>
    /// events when given.
    /// </summary>
    public async IAsyncEnumerable<RecordedEvent> ReadAllAsync(
        long afterPosition = 0,
        long? maxCount = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var recorded in PagesAsync(afterPosition, maxCount ?? long.MaxValue, ReadEvent, e => e.Position, cancellationToken).ConfigureAwait(false))
        {
            yield return recorded;
        }
    }

    /// <summary>
    /// The log after <paramref name="afterPosition"/> in position order, at most <paramref name="maxCount"/>
    /// events, one page (<see cref="EventStoreOptions.ReadPageSize"/>) per query on one connection,
    /// each row made by <paramref name="map"/>: a log of any size streams in bounded memory.
    /// </summary>
    private async IAsyncEnumerable<T> PagesAsync<T>(
        long afterPosition, long maxCount, Func<NpgsqlDataReader, T> map, Func<T, long> positionOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var remaining = maxCount;
        var after = afterPosition;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        while (remaining > 0)
        {
            var pageSize = (int)Math.Min(_options.ReadPageSize, remaining);
            await using var command = new NpgsqlCommand(_sql.ReadAll, connection);
            command.Parameters.Add(new NpgsqlParameter<long>("after", after));
            command.Parameters.Add(new NpgsqlParameter<int>("limit", pageSize));
            var read = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var row = map(reader);
                    after = positionOf(row);
                    read++;
                    yield return row;
                }
            }

            remaining -= read;
            if (read < pageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// The events of many streams in one round trip, stream by stream in version order, only those
    /// at or below <paramref name="toPosition"/> (the log as it stood then) when given.
    /// </summary>
    public async IAsyncEnumerable<RecordedEvent> ReadStreamsAsync(
        IReadOnlyCollection<Guid> streamIds, long? toPosition = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        await using var command = _dataSource.CreateCommand(_sql.ReadStreams);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("stream_ids", streamIds.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long>("to_position", toPosition ?? long.MaxValue));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadEvent(reader);
        }
    }

    /// <summary>The position of the last event recorded at or before <paramref name="asOf"/> (0: none): the log as it stood then.</summary>
    public async Task<long> GetPositionAsOfAsync(DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.PositionAsOf);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("as_of", asOf));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long? ?? 0;
    }

    /// <summary>One page of the log after <paramref name="afterPosition"/>, read on the caller's connection (and transaction).</summary>
    internal async IAsyncEnumerable<RecordedEvent> ReadAllAsync(
        long afterPosition, int maxCount, NpgsqlConnection connection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(_sql.ReadAll, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("after", afterPosition));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", maxCount));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadEvent(reader);
        }
    }

    /// <summary>
    /// One page for a projection: at most <paramref name="maxCount"/> events after <paramref name="afterPosition"/>
    /// of the given wire types (every type when null), read on the caller's connection, and the position
    /// up to which the page covers the log (its last event's when full; the head's when not).
    /// </summary>
    internal async Task<LogPage> ReadPageAsync(
        long afterPosition, int maxCount, string[]? types, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (types is null)
        {
            var events = await ReadAllAsync(afterPosition, maxCount, connection, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
            return new LogPage(events, events.Count > 0 ? events[^1].Position : afterPosition);
        }

        await using var command = new NpgsqlCommand(_sql.ReadAllOfTypes, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("after", afterPosition));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", maxCount));
        command.Parameters.Add(new NpgsqlParameter<string[]>("types", types));
        var page = new List<RecordedEvent>();
        var head = afterPosition;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                head = reader.GetInt64(9);
                if (!reader.IsDBNull(0))
                {
                    page.Add(ReadEvent(reader));
                }
            }
        }

        page.Sort(static (a, b) => a.Position.CompareTo(b.Position));
        return new LogPage(page, page.Count == maxCount ? page[^1].Position : Math.Max(head, afterPosition));
    }

    /// <summary>The wire names of <paramref name="types"/> (null stays null: every type).</summary>
    internal string[]? WireNames(IReadOnlyCollection<Type>? types) =>
        types?.Select(t => _serializer.Registry.Get(t).Name).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The position of the last event in the log (0 when it is empty).</summary>
    public async Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.HeadPosition);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// The log head's position and the position of the log's last event. They are equal unless a row
    /// was written around the store's append function, which makes every later append fail (#14).
    /// </summary>
    public async Task<(long HeadPosition, long LastEventPosition)> GetHeadAndLastEventAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.HeadAndLastEvent);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    // The JSON columns are read as their raw UTF-8 bytes and deserialized from those: reading them
    // as strings decoded every event to UTF-16, which the deserializer then encoded back (#7).
    [ThreadStatic]
    private static byte[]? t_utf8;

    private static ReadOnlySpan<byte> Utf8(NpgsqlDataReader reader, int ordinal, ref byte[] buffer)
    {
        using var stream = reader.GetStream(ordinal);
        var length = checked((int)stream.Length);
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }

        stream.ReadExactly(buffer, 0, length);
        return buffer.AsSpan(0, length);
    }

    private RecordedEvent ReadEvent(NpgsqlDataReader reader)
    {
        var buffer = t_utf8 ??= new byte[16 * 1024];
        try
        {
            return ReadEvent(reader, ref buffer);
        }
        finally
        {
            t_utf8 = buffer;
        }
    }

    private RecordedEvent ReadEvent(NpgsqlDataReader reader, ref byte[] buffer)
    {
        var type = reader.GetString(4);
        var schemaVersion = reader.GetInt32(5);
        return new RecordedEvent(
            Position: reader.GetInt64(0),
            EventId: reader.GetGuid(1),
            StreamId: reader.GetGuid(2),
            StreamVersion: reader.GetInt64(3),
            EventType: type,
            SchemaVersion: schemaVersion,
            Data: _serializer.Deserialize(type, schemaVersion, Utf8(reader, 6, ref buffer)),
            Metadata: _serializer.DeserializeMetadata(Utf8(reader, 7, ref buffer)),
            RecordedAt: reader.GetFieldValue<DateTimeOffset>(8));
    }
}
