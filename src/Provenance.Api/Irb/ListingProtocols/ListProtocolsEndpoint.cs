using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Irb.ListingProtocols;
using Provenance.Ledger.Streams;

namespace Provenance.Api.Irb.ListingProtocols;

/// <summary><c>GET /irb/protocols</c>: IRB protocols in approval order or by number, with where each stands on a day.</summary>
internal static class ListProtocolsEndpoint
{
    public static RouteHandlerBuilder MapListProtocols(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/", Handle)
            .WithName("ListIrbProtocols")
            .WithSummary("IRB protocols in approval order (?sort=-approved for newest first, ?sort=protocolNumber or -protocolNumber by number) with where each stands on a day (today by default), optionally by protocol number; cursor-paged")
            .Produces<Page<ProtocolSummary>>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static Task<Page<ProtocolSummary>> Handle(
        string? protocolNumber, DateOnly? on, string? after, int? limit, IMediator mediator, CancellationToken cancellationToken, string? sort = null) =>
        mediator.Send(new ListProtocolsQuery(protocolNumber, on, after, limit) { Sort = sort }, cancellationToken);
}
