using MediatR;
using Provenance.Api.Datasets.GettingDataset;
using Provenance.Api.Datasets.RegisteringDataset;
using Provenance.Api.Infrastructure.Commands;
using Provenance.Api.Streams;
using Provenance.Domain.Common;

namespace Provenance.Api.Datasets;

internal static class DatasetsApi
{
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var datasets = app.MapGroup("/datasets").WithTags("Datasets");

        datasets.MapPost("/", RegisterDatasetEndpoint.Handle)
            .WithName("RegisterDataset")
            .WithSummary("Register a dataset contribution")
            .WithDescription("Records a dataset.registered event. Counts only: never patient identifiers. " +
                             "Send an Idempotency-Key header to make retries safe.")
            .Accepts<RegisterDatasetRequest>("application/json")
            .Produces<CommandResult>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        datasets.MapGet("/{id:guid}", GetDatasetEndpoint.Handle)
            .WithName("GetDataset")
            .WithSummary("A dataset's current state, folded from its events")
            .Produces<DatasetView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        datasets.MapGet("/{id:guid}/events",
                (Guid id, string? after, int? limit, IMediator mediator, CancellationToken cancellationToken) =>
                    mediator.Send(new GetStreamHistoryQuery("dataset", StreamTypes.Dataset, id, after, limit), cancellationToken))
            .WithName("GetDatasetEvents")
            .WithSummary("A dataset's history: every event with its metadata and global position")
            .Produces<Page<EventView>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        return app;
    }
}
