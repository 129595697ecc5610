using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Datasets.ListingDatasets;
using Provenance.Ledger.Streams;

namespace Provenance.Api.Datasets.ListingDatasets;

/// <summary><c>GET /datasets</c>: datasets in registration order or by name, filtered, cursor-paged.</summary>
internal static class ListDatasetsEndpoint
{
    public static RouteHandlerBuilder MapListDatasets(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/", Handle)
            .WithName("ListDatasets")
            .WithSummary("Datasets in registration order (?sort=-registered for newest first, ?sort=name or -name by name), filtered by a part of the name (any case), institution, modality, status, license kind (ever granted) and " +
                         "clearance of the latest version on a day (?cleared=true&on=YYYY-MM-DD); cursor-paged")
            .Produces<Page<DatasetSummary>>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static Task<Page<DatasetSummary>> Handle(
        string? institution, string? modality, string? status, string? licenseKind, bool? cleared, DateOnly? on, string? after, int? limit,
        IMediator mediator, CancellationToken cancellationToken, string? name = null, string? sort = null) =>
        mediator.Send(new ListDatasetsQuery(institution, modality, status, licenseKind, cleared, on, after, limit) { Name = name, Sort = sort }, cancellationToken);
}
