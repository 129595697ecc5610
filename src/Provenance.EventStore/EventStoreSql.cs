namespace Provenance.EventStore;

/// <summary>The store's SQL, with the schema name already quoted in.</summary>
internal sealed class EventStoreSql(string schema)
{
    private const string EventColumns =
        "position, id, stream_id, stream_version, type, schema_version, data::text, metadata::text, recorded_at";

    public string AppendBatch { get; } =
        $"SELECT outcome, current_version, first_position, last_position, recorded_at, stored_request_hash, stored_stream_id, stored_resource, request " +
        $"FROM {schema}.append_batch(@stream_ids, @stream_types, @expected, @counts, @keys, @hashes, @resources, @event_requests, @ids, @types, @schema_versions, @data, @metadata)";

    public string FindIdempotencyKey { get; } =
        $"SELECT request_hash, stream_id, stream_version, first_position, last_position, created_at, resource FROM {schema}.{EventStoreTables.IdempotencyKeys} WHERE key = @key";

    public string GetStream { get; } =
        $"SELECT type, version, created_at, updated_at FROM {schema}.{EventStoreTables.Streams} WHERE id = @stream_id AND version > 0";

    public string GetStreams { get; } =
        $"SELECT id, type, version, created_at, updated_at FROM {schema}.{EventStoreTables.Streams} WHERE id = ANY(@stream_ids) AND version > 0";

    // The newest version at or below the position: one backward probe of the (stream, version) index
    // per stream. Driven from unnest so that a long id list is probed, never a sequential scan.
    public string StreamVersionsAt { get; } =
        $"SELECT i.id, (SELECT e.stream_version FROM {schema}.{EventStoreTables.Events} e WHERE e.stream_id = i.id AND e.position <= @to_position " +
        "ORDER BY e.stream_version DESC LIMIT 1) FROM unnest(@stream_ids) AS i(id)";

    public string StreamsTouched { get; } =
        $"SELECT DISTINCT e.stream_id, s.type FROM {schema}.{EventStoreTables.Events} e JOIN {schema}.{EventStoreTables.Streams} s ON s.id = e.stream_id " +
        "WHERE e.position > @after AND e.position <= @to";

    // The positions of many streams' events, each stream found through its index (never a scan of the log).
    public string StreamPositions { get; } =
        $"SELECT e.position FROM unnest(@stream_ids) AS i(id) CROSS JOIN LATERAL " +
        $"(SELECT position FROM {schema}.{EventStoreTables.Events} WHERE stream_id = i.id AND position <= @to_position OFFSET 0) e ORDER BY 1";

    public string ReadPositions { get; } =
        $"SELECT e.* FROM unnest(@positions) AS p(position) CROSS JOIN LATERAL " +
        $"(SELECT {EventColumns} FROM {schema}.{EventStoreTables.Events} WHERE position = p.position OFFSET 0) e ORDER BY 1";

    public string ReadStream { get; } =
        $"SELECT {EventColumns} FROM {schema}.{EventStoreTables.Events} " +
        "WHERE stream_id = @stream_id AND stream_version > @after_version AND (@to_version IS NULL OR stream_version <= @to_version) " +
        "AND (@as_of IS NULL OR recorded_at <= @as_of) ORDER BY stream_version LIMIT @limit";

    public string ReadAll { get; } =
        $"SELECT {EventColumns} FROM {schema}.{EventStoreTables.Events} WHERE position > @after ORDER BY position LIMIT @limit";

    // The events of some types after a position, and the log head, in one snapshot: a page that is
    // not full covers the log up to that head. One row of nulls and the head when none is there.
    // (No outer ORDER BY: it would sort the whole rows, spilling to disk; the reader puts them in order.)
    public string ReadAllOfTypes { get; } =
        $"SELECT e.*, h.position FROM {schema}.{EventStoreTables.LogHead} h LEFT JOIN LATERAL " +
        $"(SELECT {EventColumns} FROM {schema}.{EventStoreTables.Events} WHERE position > @after AND position <= h.position AND type = ANY(@types) " +
        "ORDER BY position LIMIT @limit) e ON true";

    public string ReadStreams { get; } =
        $"SELECT {EventColumns} FROM {schema}.{EventStoreTables.Events} WHERE stream_id = ANY(@stream_ids) AND position <= @to_position ORDER BY stream_id, stream_version";

    // recorded_at never decreases along the log, so the latest instant at or before as_of ends a prefix.
    public string PositionAsOf { get; } =
        $"SELECT position FROM {schema}.{EventStoreTables.Events} WHERE recorded_at <= @as_of ORDER BY recorded_at DESC, position DESC LIMIT 1";

    public string ReadForIndex { get; } =
        $"SELECT position, stream_id, stream_version, type, CASE WHEN type = ANY(@types) THEN data::text END FROM {schema}.{EventStoreTables.Events} " +
        "WHERE position > @after AND position <= @to ORDER BY position LIMIT @limit";

    public string HeadPosition { get; } = $"SELECT position FROM {schema}.{EventStoreTables.LogHead}";

    // The head and the log's last event, each one index probe: they differ only when a row was
    // written around append_batch (#14).
    public string HeadAndLastEvent { get; } =
        $"SELECT h.position, coalesce((SELECT max(e.position) FROM {schema}.{EventStoreTables.Events} e), 0) FROM {schema}.{EventStoreTables.LogHead} h WHERE h.singleton";
}
