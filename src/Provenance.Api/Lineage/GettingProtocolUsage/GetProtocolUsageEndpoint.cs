using MediatR;
using Provenance.Ledger.Lineage.GettingProtocolUsage;

namespace Provenance.Api.Lineage.GettingProtocolUsage;

/// <summary><c>GET /irb/protocols/{id}/usage</c>: everything that relied on an IRB protocol.</summary>
internal static class GetProtocolUsageEndpoint
{
    public static RouteHandlerBuilder MapGetProtocolUsage(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/irb/protocols/{id:guid}/usage", Handle)
            .WithName("GetIrbProtocolUsage")
            .WithSummary("Every dataset, dataset version, training run and model version that relied on an IRB protocol; ?asOf as above")
            .Produces<ProtocolUsage>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status400BadRequest);

    public static Task<ProtocolUsage> Handle(Guid id, DateTimeOffset? asOf, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetProtocolUsageQuery(id, asOf), cancellationToken);
}
