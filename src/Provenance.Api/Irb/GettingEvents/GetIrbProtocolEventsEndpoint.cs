using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Domain.Common;
using Provenance.Ledger.Streams;
using Provenance.Ledger.Streams.GettingHistory;

namespace Provenance.Api.Irb.GettingEvents;

/// <summary>The history of a IRB protocol: every event with its metadata and global position.</summary>
internal static class GetIrbProtocolEventsEndpoint
{
    public static RouteHandlerBuilder MapGetIrbProtocolEvents(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/events", Handle)
            .WithName("GetIrbProtocolEvents")
            .WithSummary("An IRB protocol's history")
            .Produces<Page<EventView>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static Task<Page<EventView>> Handle(Guid id, string? after, int? limit, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetStreamHistoryQuery("IRB protocol", StreamTypes.IrbProtocol, id, after, limit), cancellationToken);
}
