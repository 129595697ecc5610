namespace Provenance.EventStore;

/// <summary>
/// Technical facts about an append, stored beside every event in the envelope, never in its data:
/// who did it, under which request, caused by what, and with which idempotency key.
/// </summary>
/// <param name="ActorId">The authenticated principal that issued the command.</param>
/// <param name="ActorRole">The role under which it acted.</param>
/// <param name="CorrelationId">The request's correlation id.</param>
/// <param name="CausationId">What caused this append (a command id or an event id), when known.</param>
/// <param name="IdempotencyKey">The client's idempotency key, when it gave one.</param>
public sealed record EventMetadata(
    string ActorId,
    string ActorRole,
    string CorrelationId,
    string? CausationId = null,
    string? IdempotencyKey = null);
