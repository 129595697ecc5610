using Provenance.EventStore;

namespace Provenance.Ledger.Infrastructure.Commands;

/// <summary>
/// The one place that turns decided events into an append: it builds the metadata from the
/// request context and carries the idempotency token to the store.
/// </summary>
internal sealed class LedgerWriter(PostgresEventStore store, RequestContext context)
{
    public PostgresEventStore Store { get; } = store;

    /// <summary>Appends to one stream; <paramref name="location"/> is the address of what the command created or changed.</summary>
    public async Task<CommandResult> AppendAsync(
        Guid streamId, string streamType, ExpectedVersion expected, IReadOnlyList<object> events, string location, CancellationToken cancellationToken)
    {
        var metadata = new EventMetadata(context.ActorId, context.ActorRole, context.CorrelationId, context.CausationId);
        var result = await Store.AppendAsync(streamId, streamType, expected, events, metadata, context.Idempotency, location, cancellationToken);
        return CommandResult.From(result);
    }
}
