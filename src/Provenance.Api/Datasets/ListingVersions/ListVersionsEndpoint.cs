using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Catalog;
using Provenance.Ledger.Datasets.ListingVersions;
using Provenance.Ledger.Streams;

namespace Provenance.Api.Datasets.ListingVersions;

/// <summary><c>GET /datasets/{id}/versions</c>: a dataset's versions with their compliance status.</summary>
internal static class ListVersionsEndpoint
{
    public static RouteHandlerBuilder MapListVersions(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/versions", Handle)
            .WithName("ListDatasetVersions")
            .WithSummary("A dataset's versions with their compliance status as last recorded: de-identification, quarantine, consent withdrawals")
            .Produces<Page<VersionStatus>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static Task<Page<VersionStatus>> Handle(Guid id, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new ListVersionsQuery(id), cancellationToken);
}
