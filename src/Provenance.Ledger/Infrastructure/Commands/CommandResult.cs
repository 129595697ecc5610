using Provenance.EventStore.Appending;

namespace Provenance.Ledger.Infrastructure.Commands;

/// <summary>
/// What every write answers: the stream written, its new version (the ETag), the global positions
/// of the events, and the address of what was created or changed. A replayed idempotent request
/// gets the first request's result.
/// </summary>
public sealed record CommandResult(Guid Id, long Version, long FirstPosition, long LastPosition, DateTimeOffset RecordedAt, string Location)
{
    internal bool Replayed { get; init; }

    internal static CommandResult From(AppendResult result) =>
        new(result.StreamId, result.StreamVersion, result.FirstPosition, result.LastPosition, result.RecordedAt, result.Resource ?? "")
        {
            Replayed = result.Replayed,
        };
}
