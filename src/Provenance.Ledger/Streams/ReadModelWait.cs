using Microsoft.Extensions.Options;
using Provenance.EventStore;
using Provenance.EventStore.Background;
using Provenance.Ledger.Infrastructure.Background;

namespace Provenance.Ledger.Streams;

/// <summary>How far an asynchronous read model was behind the log's head when a list was read from it.</summary>
/// <param name="ReadModel">The read model (the projection's name).</param>
/// <param name="Position">The log position the read model had reached.</param>
/// <param name="Head">The log's head when the request came in.</param>
public sealed record Staleness(string ReadModel, long Position, long Head);

/// <summary>
/// Before a list is read from an asynchronous read model: waits (up to <c>Provenance:Background:ReadWait</c>)
/// for the model to reach the log's head as of the request, so that a steward reads their own writes.
/// A model still behind then is not ignored: the answer says so (#15).
/// </summary>
internal sealed class ReadModelWait(LogDaemon daemon, PostgresEventStore store, IOptions<BackgroundOptions> options)
{
    /// <summary>Null when the read model has caught up with the head; otherwise how far behind it answers.</summary>
    public async Task<Staleness?> CatchUpAsync(string readModel, CancellationToken cancellationToken)
    {
        var head = await store.GetHeadPositionAsync(cancellationToken);
        var reached = await daemon.WaitForAsync(readModel, head, options.Value.ReadWait, cancellationToken);
        return reached >= head ? null : new Staleness(readModel, reached, head);
    }
}
