namespace Provenance.EventStore;

/// <summary>
/// An event exactly as the log stores it, without upcasting or deserialization: what the Merkle
/// tree commits to (see <see cref="Integrity.EventEnvelope"/>) and what an export writes.
/// </summary>
/// <param name="Position">Global position in the log, from 1, gapless. The event is leaf <c>Position - 1</c> of the tree.</param>
/// <param name="EventId">The event's UUID.</param>
/// <param name="StreamId">The stream it belongs to.</param>
/// <param name="StreamVersion">Its version within the stream, from 1, gapless.</param>
/// <param name="Type">The stable wire name, e.g. <c>dataset.registered</c>.</param>
/// <param name="SchemaVersion">The schema version the event was stored with.</param>
/// <param name="DataJson">The stored data as PostgreSQL prints the <c>jsonb</c> (<c>data::text</c>).</param>
/// <param name="MetadataJson">The stored metadata as PostgreSQL prints the <c>jsonb</c> (<c>metadata::text</c>).</param>
/// <param name="RecordedAt">When the log recorded it (microsecond precision).</param>
public sealed record RawEvent(
    long Position,
    Guid EventId,
    Guid StreamId,
    long StreamVersion,
    string Type,
    int SchemaVersion,
    string DataJson,
    string MetadataJson,
    DateTimeOffset RecordedAt);

/// <summary>What the stream index reads of an event: its place in the log, and its data when its type names other streams.</summary>
/// <param name="Position">Its position in the log.</param>
/// <param name="StreamId">Its stream.</param>
/// <param name="StreamVersion">Its version in the stream.</param>
/// <param name="Type">Its wire name.</param>
/// <param name="DataJson">Its data as stored, when asked for; otherwise null.</param>
public sealed record IndexedEvent(long Position, Guid StreamId, long StreamVersion, string Type, string? DataJson);
