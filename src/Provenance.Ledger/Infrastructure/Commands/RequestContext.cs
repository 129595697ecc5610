using Provenance.Domain.Access;
using Provenance.Domain.Common;
using Provenance.EventStore.Appending;

namespace Provenance.Ledger.Infrastructure.Commands;

/// <summary>
/// Per-request facts the ledger records in every event's metadata: who acts (always the
/// authenticated principal, never anything from the request body), in which role, under which
/// correlation id, and the client's idempotency key with the hash of the request it came with.
/// Filled by the HTTP pipeline (<c>Access.PrincipalContextMiddleware</c>) or, for the service's
/// own writes, by <see cref="ActAsSystem"/>; read by <see cref="LedgerWriter"/>.
/// </summary>
internal sealed class RequestContext
{
    /// <summary>The actor of the service's own writes (bootstrap and demo keys).</summary>
    public const string System = "system";

    /// <summary>The actor and role before anyone is authenticated.</summary>
    public const string Anonymous = "anonymous";

    public string ActorId { get; set; } = Anonymous;

    /// <summary>The role the actor acts under for this write; set by the access check of each command.</summary>
    public string ActorRole { get; set; } = Anonymous;

    /// <summary>Every role the principal holds.</summary>
    public IReadOnlySet<Role> Roles { get; set; } = new HashSet<Role>();

    /// <summary>The institution a steward writes for (from the key or token), if any.</summary>
    public string? Institution { get; set; }

    public string CorrelationId { get; set; } = Guid.CreateVersion7().ToString();

    public string? CausationId { get; set; }

    public IdempotencyToken? Idempotency { get; set; }

    public bool Has(Role role) => Roles.Contains(role);

    /// <summary>Records <paramref name="role"/> as the role this write is made under.</summary>
    public void ActAs(Role role) => ActorRole = Names.Of(role);

    /// <summary>For the service's own writes, outside any HTTP request.</summary>
    public void ActAsSystem()
    {
        ActorId = System;
        ActorRole = System;
        Roles = new HashSet<Role> { Role.Admin };
    }
}
