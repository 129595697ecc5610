using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Domain.Common;
using Provenance.Ledger.Streams;
using Provenance.Ledger.Streams.GettingHistory;

namespace Provenance.Api.Models.GettingEvents;

/// <summary>The history of a model: every event with its metadata and global position.</summary>
internal static class GetModelEventsEndpoint
{
    public static RouteHandlerBuilder MapGetModelEvents(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/events", Handle)
            .WithName("GetModelEvents")
            .WithSummary("A model's history")
            .Produces<Page<EventView>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static Task<Page<EventView>> Handle(Guid id, string? after, int? limit, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetStreamHistoryQuery("model", StreamTypes.Model, id, after, limit), cancellationToken);
}
