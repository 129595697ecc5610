using MediatR;
using Provenance.Domain.Common;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Ledger.Access.GettingCaller;

/// <summary>The authenticated caller, as <c>GET /access/me</c> describes it.</summary>
public sealed record CallerView(string Principal, IReadOnlyList<string> Roles, string? Institution);

/// <summary>Who the caller is: principal, roles (by wire name, in order) and, for a steward, institution.</summary>
internal sealed record GetCallerQuery : IRequest<CallerView>;

internal sealed class HandleGetCaller(RequestContext caller) : IRequestHandler<GetCallerQuery, CallerView>
{
    public Task<CallerView> Handle(GetCallerQuery request, CancellationToken cancellationToken) =>
        Task.FromResult(new CallerView(caller.ActorId, [.. caller.Roles.Select(Names.Of).Order(StringComparer.Ordinal)], caller.Institution));
}
