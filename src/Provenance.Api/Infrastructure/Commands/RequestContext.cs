using Provenance.EventStore.Appending;

namespace Provenance.Api.Infrastructure.Commands;

/// <summary>
/// Per-request facts the ledger records in every event's metadata: who acts, under which
/// correlation id, and the client's idempotency key with the hash of the request it came with.
/// Filled by the HTTP pipeline (or the seed loader), read by <see cref="Ledger"/>.
/// </summary>
internal sealed class RequestContext
{
    public string ActorId { get; set; } = "anonymous";

    public string ActorRole { get; set; } = "anonymous";

    public string CorrelationId { get; set; } = Guid.CreateVersion7().ToString();

    public string? CausationId { get; set; }

    public IdempotencyToken? Idempotency { get; set; }
}
