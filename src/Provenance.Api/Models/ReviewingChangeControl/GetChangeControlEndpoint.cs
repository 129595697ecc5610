using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Domain.Models;
using Provenance.Ledger.Models.ReviewingChangeControl;

namespace Provenance.Api.Models.ReviewingChangeControl;

/// <summary><c>GET /models/{id}/versions/{modelVersion}/change-control</c>: the version against the device's authorization and PCCP.</summary>
internal static class GetChangeControlEndpoint
{
    public static RouteHandlerBuilder MapGetChangeControl(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/versions/{modelVersion}/change-control", Handle)
            .WithName("GetChangeControl")
            .WithSummary("Where a model version stands against the device's marketing authorization and PCCP: the basis and every finding (on its release day, or on the day asked)")
            .Produces<ChangeControlReview>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Ok<ChangeControlReview>> Handle(Guid id, string modelVersion, DateOnly? on, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new GetChangeControlQuery(id, modelVersion, on), cancellationToken));
}
