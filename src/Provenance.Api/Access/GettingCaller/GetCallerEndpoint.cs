using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Access.GettingCaller;

namespace Provenance.Api.Access.GettingCaller;

/// <summary><c>GET /access/me</c>: who the caller is, so a client (the lineage explorer) offers only what the caller's roles may do (#8).</summary>
internal static class GetCallerEndpoint
{
    public static RouteHandlerBuilder MapGetCaller(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/access/me", Handle)
            .WithTags("Access")
            .WithName("GetCaller")
            .WithSummary("The authenticated caller: principal, roles and (for a steward) institution");

    public static async Task<Ok<CallerView>> Handle(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new GetCallerQuery(), cancellationToken));
}
