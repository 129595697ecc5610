namespace Provenance.EventStore;

/// <summary>
/// An event exactly as the log stores it, without upcasting or deserialization: what the Merkle
/// tree commits to (see <see cref="Integrity.EventEnvelope"/>) and what an export writes.
/// </summary>
/// <remarks>
/// The data and metadata are kept as the UTF-8 bytes PostgreSQL sends (#22): the envelope is UTF-8,
/// and decoding a million events' JSON to strings only to encode it back was a third of an export.
/// <see cref="DataJson"/> and <see cref="MetadataJson"/> give them as text.
/// </remarks>
/// <param name="Position">Global position in the log, from 1, gapless. The event is leaf <c>Position - 1</c> of the tree.</param>
/// <param name="EventId">The event's UUID.</param>
/// <param name="StreamId">The stream it belongs to.</param>
/// <param name="StreamVersion">Its version within the stream, from 1, gapless.</param>
/// <param name="Type">The stable wire name, e.g. <c>dataset.registered</c>.</param>
/// <param name="SchemaVersion">The schema version the event was stored with.</param>
/// <param name="DataUtf8">The stored data as PostgreSQL prints the <c>jsonb</c> (<c>data::text</c>), in UTF-8.</param>
/// <param name="MetadataUtf8">The stored metadata as PostgreSQL prints the <c>jsonb</c> (<c>metadata::text</c>), in UTF-8.</param>
/// <param name="RecordedAt">When the log recorded it (microsecond precision).</param>
public sealed record RawEvent(
    long Position,
    Guid EventId,
    Guid StreamId,
    long StreamVersion,
    string Type,
    int SchemaVersion,
    ReadOnlyMemory<byte> DataUtf8,
    ReadOnlyMemory<byte> MetadataUtf8,
    DateTimeOffset RecordedAt)
{
    /// <summary>The stored data as text.</summary>
    public string DataJson
    {
        get => System.Text.Encoding.UTF8.GetString(DataUtf8.Span);
        init => DataUtf8 = System.Text.Encoding.UTF8.GetBytes(value);
    }

    /// <summary>The stored metadata as text.</summary>
    public string MetadataJson
    {
        get => System.Text.Encoding.UTF8.GetString(MetadataUtf8.Span);
        init => MetadataUtf8 = System.Text.Encoding.UTF8.GetBytes(value);
    }

    /// <summary>Equal when every field is, the data and metadata byte for byte.</summary>
    public bool Equals(RawEvent? other) =>
        other is not null && Position == other.Position && EventId == other.EventId && StreamId == other.StreamId
        && StreamVersion == other.StreamVersion && Type == other.Type && SchemaVersion == other.SchemaVersion && RecordedAt == other.RecordedAt
        && DataUtf8.Span.SequenceEqual(other.DataUtf8.Span) && MetadataUtf8.Span.SequenceEqual(other.MetadataUtf8.Span);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Position, EventId, StreamId, StreamVersion, Type, SchemaVersion, RecordedAt);
}

/// <summary>What the stream index reads of an event: its place in the log, and its data when its type names other streams.</summary>
/// <param name="Position">Its position in the log.</param>
/// <param name="StreamId">Its stream.</param>
/// <param name="StreamVersion">Its version in the stream.</param>
/// <param name="Type">Its wire name.</param>
/// <param name="DataJson">Its data as stored, when asked for; otherwise null.</param>
public sealed record IndexedEvent(long Position, Guid StreamId, long StreamVersion, string Type, string? DataJson);
