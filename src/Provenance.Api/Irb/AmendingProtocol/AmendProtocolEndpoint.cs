using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Irb.AmendingProtocol;

namespace Provenance.Api.Irb.AmendingProtocol;

/// <summary><c>POST /irb/protocols/{id}/amendments</c>: change a protocol's scope, uses or expiry from a date on.</summary>
internal static class AmendProtocolEndpoint
{
    public static RouteHandlerBuilder MapAmendProtocol(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/amendments", Handle)
            .Write<AmendProtocolRequest>("AmendIrbProtocol", "Change a protocol's scope, uses or expiry from a date on", created: false);

    public static Task<Ok<CommandResult>> Handle(
        Guid id, AmendProtocolRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new AmendProtocolCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
