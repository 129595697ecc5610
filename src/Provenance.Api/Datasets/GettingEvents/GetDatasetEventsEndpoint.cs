using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Domain.Common;
using Provenance.Ledger.Streams;
using Provenance.Ledger.Streams.GettingHistory;

namespace Provenance.Api.Datasets.GettingEvents;

/// <summary>The history of a dataset: every event with its metadata and global position.</summary>
internal static class GetDatasetEventsEndpoint
{
    public static RouteHandlerBuilder MapGetDatasetEvents(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/events", Handle)
            .WithName("GetDatasetEvents")
            .WithSummary("A dataset's history: every event with its metadata and global position")
            .Produces<Page<EventView>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static Task<Page<EventView>> Handle(Guid id, string? after, int? limit, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetStreamHistoryQuery("dataset", StreamTypes.Dataset, id, after, limit), cancellationToken);
}
