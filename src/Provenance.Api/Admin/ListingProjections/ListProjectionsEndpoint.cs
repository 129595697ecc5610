using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Admin.ListingProjections;

namespace Provenance.Api.Admin.ListingProjections;

/// <summary><c>GET /admin/projections</c>: every projection and the Merkle tree, with how far each lags the log.</summary>
internal static class ListProjectionsEndpoint
{
    public static RouteHandlerBuilder MapListProjections(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/projections", Handle)
            .WithName("ListProjections")
            .WithSummary("Every projection, inline or async, and the Merkle tree (merkle-tree), with its checkpoint and how far it lags the log")
            .Produces<List<ProjectionStatus>>();

    public static async Task<Ok<IReadOnlyList<ProjectionStatus>>> Handle(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new ListProjectionsQuery(), cancellationToken));
}
