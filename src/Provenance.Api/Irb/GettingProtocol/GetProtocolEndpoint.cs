using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Irb.GettingProtocol;

namespace Provenance.Api.Irb.GettingProtocol;

/// <summary><c>GET /irb/protocols/{id}</c>: a protocol with where it stands on a day, with its ETag.</summary>
internal static class GetProtocolEndpoint
{
    public static RouteHandlerBuilder MapGetProtocol(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}", Handle)
            .WithName("GetIrbProtocol")
            .WithSummary("An IRB protocol with where it stands on a day (today, or the asOf day, by default) and its timeline of terms and status")
            .Produces<ProtocolView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Ok<ProtocolView>> Handle(
        Guid id, DateOnly? on, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var view = await mediator.Send(new GetProtocolQuery(id, asOf, on), cancellationToken);
        return HttpResults.Tagged(context, view, view.Version);
    }
}
