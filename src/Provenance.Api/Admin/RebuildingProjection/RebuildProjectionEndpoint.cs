using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Admin.RebuildingProjection;

namespace Provenance.Api.Admin.RebuildingProjection;

/// <summary><c>POST /admin/projections/{name}/rebuild</c>: empty a projection's read model and replay the whole log into it.</summary>
internal static class RebuildProjectionEndpoint
{
    public static RouteHandlerBuilder MapRebuildProjection(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/projections/{name}/rebuild", Handle)
            .WithName("RebuildProjection")
            .WithSummary("Empty a projection's read model and replay the whole log into it (appends wait meanwhile)")
            .Produces<RebuildResult>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Ok<RebuildResult>> Handle(string name, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new RebuildProjectionCommand(name), cancellationToken));
}
