using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Domain.Irb;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Irb.ChangingProtocolStatus;

namespace Provenance.Api.Irb.ChangingProtocolStatus;

/// <summary><c>POST /irb/protocols/{id}/suspension</c>, <c>…/reinstatement</c>, <c>…/termination</c> and <c>…/closure</c>: a protocol's status changes.</summary>
internal static class ChangeProtocolStatusEndpoint
{
    public static IEndpointRouteBuilder MapChangeProtocolStatus(this IEndpointRouteBuilder routes)
    {
        Map(routes, "suspension", "SuspendIrbProtocol", "Suspend a protocol (45 CFR 46.113)", IrbStatus.Suspended, close: false);
        Map(routes, "reinstatement", "ReinstateIrbProtocol", "Reinstate a suspended protocol", IrbStatus.Active, close: false);
        Map(routes, "termination", "TerminateIrbProtocol", "Terminate a protocol's approval (45 CFR 46.113)", IrbStatus.Terminated, close: false);
        Map(routes, "closure", "CloseIrbProtocol", "Close a protocol", IrbStatus.Closed, close: true);
        return routes;
    }

    private static void Map(IEndpointRouteBuilder routes, string path, string name, string summary, IrbStatus to, bool close) =>
        routes.MapPost($"/{{id:guid}}/{path}",
                (Guid id, ProtocolStatusRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
                    Handle(new ChangeProtocolStatusCommand(id, to, close, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken))
            .Write<ProtocolStatusRequest>(name, summary, created: false);

    public static Task<Ok<CommandResult>> Handle(ChangeProtocolStatusCommand command, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.OkAsync(command, mediator, context, cancellationToken);
}
