using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Licenses.GettingLicense;

namespace Provenance.Api.Licenses.GettingLicense;

/// <summary><c>GET /datasets/{id}/licenses/{licenseId}</c>: one license, with the dataset's ETag.</summary>
internal static class GetLicenseEndpoint
{
    public static RouteHandlerBuilder MapGetLicense(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/licenses/{licenseId:guid}", Handle)
            .WithName("GetDatasetLicense")
            .WithSummary("One license of a dataset, with its terms over time and its termination if any")
            .Produces<Domain.Datasets.DatasetLicense>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Ok<Domain.Datasets.DatasetLicense>> Handle(Guid id, Guid licenseId, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var (part, streamVersion) = await mediator.Send(new GetLicenseQuery(id, licenseId, asOf), cancellationToken);
        return HttpResults.Tagged(context, part, streamVersion);
    }
}
