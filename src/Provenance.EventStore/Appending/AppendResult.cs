namespace Provenance.EventStore.Appending;

/// <summary>What an append wrote (or, for a replayed idempotent append, what the first one wrote).</summary>
/// <param name="StreamId">The stream appended to.</param>
/// <param name="StreamVersion">The stream's version after the append.</param>
/// <param name="FirstPosition">Global position of the first event written.</param>
/// <param name="LastPosition">Global position of the last event written.</param>
/// <param name="RecordedAt">When the log recorded the events.</param>
/// <param name="Replayed">True when an earlier append with the same idempotency key is being returned.</param>
public sealed record AppendResult(
    Guid StreamId,
    long StreamVersion,
    long FirstPosition,
    long LastPosition,
    DateTimeOffset RecordedAt,
    bool Replayed)
{
    /// <summary>What the append created, as the writer named it (returned again on a replay).</summary>
    public string? Resource { get; init; }
}
