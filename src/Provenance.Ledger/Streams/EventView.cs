using System.Text.Json.Serialization;
using Provenance.EventStore;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Streams;

/// <summary>One event of a stream's history as the API shows it: envelope, metadata and data.</summary>
public sealed record EventView(
    long Position,
    Guid EventId,
    Guid StreamId,
    long StreamVersion,
    string Type,
    int SchemaVersion,
    DateTimeOffset RecordedAt,
    EventMetadata Metadata,
    object Data)
{
    internal static EventView From(RecordedEvent e) =>
        new(e.Position, e.EventId, e.StreamId, e.StreamVersion, e.EventType, e.SchemaVersion, e.RecordedAt, e.Metadata, e.Data);
}

/// <summary>
/// A page of a list, with the cursor of the next page (null on the last page). A page read from an
/// asynchronous read model that had not caught up with the log says so in <see cref="Stale"/>
/// (absent when it had).
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [OptionalMember]
    public Staleness? Stale { get; init; }
}
