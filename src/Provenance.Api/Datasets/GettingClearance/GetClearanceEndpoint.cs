using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Domain.Clearance;
using Provenance.Ledger.Clearance.GettingClearance;

namespace Provenance.Api.Datasets.GettingClearance;

/// <summary><c>GET /datasets/{id}/versions/{version}/clearance</c>: whether a dataset version is cleared for training on a day.</summary>
internal static class GetClearanceEndpoint
{
    public static RouteHandlerBuilder MapGetClearance(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/versions/{version:int}/clearance", Handle)
            .WithName("GetDatasetVersionClearance")
            .WithSummary("Whether a dataset version is cleared for training on a day (today by default), with the findings when not")
            .Produces<ClearanceResult>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static Task<ClearanceResult> Handle(
        Guid id, int version, DateOnly? on, bool? commercial, DateTimeOffset? asOf, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetClearanceQuery(id, version, on, commercial ?? false, asOf), cancellationToken);
}
