using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Datasets.GettingDataset;

namespace Provenance.Api.Datasets.GettingDataset;

/// <summary><c>GET /datasets/{id}</c>: a dataset's state, with its ETag.</summary>
internal static class GetDatasetEndpoint
{
    public static RouteHandlerBuilder MapGetDataset(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}", Handle)
            .WithName("GetDataset")
            .WithSummary("A dataset's current state with its versions, decisions, licenses and consent withdrawals")
            .Produces<DatasetView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Ok<DatasetView>> Handle(Guid id, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var view = await mediator.Send(new GetDatasetQuery(id, asOf), cancellationToken);
        return HttpResults.Tagged(context, view, view.Version);
    }
}
