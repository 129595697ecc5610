namespace Provenance.EventStore;

/// <summary>A stream's header row.</summary>
/// <param name="StreamId">Its id.</param>
/// <param name="StreamType">The kind of aggregate it holds, e.g. <c>dataset</c>.</param>
/// <param name="Version">The version of its last event.</param>
/// <param name="CreatedAt">When its first event was appended.</param>
/// <param name="UpdatedAt">When its last event was appended.</param>
public sealed record StreamInfo(Guid StreamId, string StreamType, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
