using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Irb.ApprovingProtocol;

namespace Provenance.Api.Irb.ApprovingProtocol;

/// <summary><c>POST /irb/protocols</c>: record an IRB approval or exempt determination covering datasets.</summary>
internal static class ApproveProtocolEndpoint
{
    public static RouteHandlerBuilder MapApproveProtocol(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/", Handle)
            .Write<ApproveProtocolRequest>("ApproveIrbProtocol", "Record an IRB approval or exempt determination covering datasets", created: true, conditional: false);

    public static Task<Created<CommandResult>> Handle(
        ApproveProtocolRequest body, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new ApproveProtocolCommand(body), mediator, context, cancellationToken);
}
