using MediatR;
using Provenance.Ledger.Lineage;
using Provenance.Ledger.Lineage.GettingImpact;

namespace Provenance.Api.Lineage.GettingImpact;

/// <summary><c>GET /datasets/{id}/versions/{version}/impact</c>: everything downstream of a dataset version.</summary>
internal static class GetImpactEndpoint
{
    public static RouteHandlerBuilder MapGetImpact(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/datasets/{id:guid}/versions/{version:int}/impact", Handle)
            .WithName("GetDatasetVersionImpact")
            .WithSummary("Everything downstream of a dataset version: derived versions, training runs and model versions (what must be retrained); ?asOf as above")
            .Produces<DownstreamView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status400BadRequest);

    public static Task<DownstreamView> Handle(Guid id, int version, DateTimeOffset? asOf, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetImpactQuery(id, version, asOf), cancellationToken);
}
