namespace Provenance.EventStore;

/// <summary>An event as the log holds it: its envelope and its (upcast, deserialized) data.</summary>
/// <param name="Position">Global position in the log, from 1, gapless.</param>
/// <param name="EventId">The event's UUIDv7.</param>
/// <param name="StreamId">The stream it belongs to.</param>
/// <param name="StreamVersion">Its version within the stream, from 1, gapless.</param>
/// <param name="EventType">The stable wire name, e.g. <c>dataset.registered</c>.</param>
/// <param name="SchemaVersion">The schema version the event was <em>stored</em> with.</param>
/// <param name="Data">The event, upcast to the current schema version.</param>
/// <param name="Metadata">The technical envelope metadata.</param>
/// <param name="RecordedAt">When the log recorded it; never decreases along the log.</param>
public sealed record RecordedEvent(
    long Position,
    Guid EventId,
    Guid StreamId,
    long StreamVersion,
    string EventType,
    int SchemaVersion,
    object Data,
    EventMetadata Metadata,
    DateTimeOffset RecordedAt);
