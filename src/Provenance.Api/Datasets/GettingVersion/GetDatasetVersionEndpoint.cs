using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Datasets.GettingVersion;

namespace Provenance.Api.Datasets.GettingVersion;

/// <summary><c>GET /datasets/{id}/versions/{version}</c>: one version of a dataset, with the dataset's ETag.</summary>
internal static class GetDatasetVersionEndpoint
{
    public static RouteHandlerBuilder MapGetDatasetVersion(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/versions/{version:int}", Handle)
            .WithName("GetDatasetVersion")
            .WithSummary("One version of a dataset: its contribution (manifest, fingerprint), derivation and quarantines")
            .Produces<Domain.Datasets.DatasetVersion>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Ok<Domain.Datasets.DatasetVersion>> Handle(Guid id, int version, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var (part, streamVersion) = await mediator.Send(new GetDatasetVersionQuery(id, version, asOf), cancellationToken);
        return HttpResults.Tagged(context, part, streamVersion);
    }
}
