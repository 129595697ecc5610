using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Deidentification.RescindingDecision;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Deidentification.RescindingDecision;

/// <summary><c>POST /datasets/{id}/deidentification-decisions/{decisionId}/rescission</c>: rescind a de-identification decision.</summary>
internal static class RescindDecisionEndpoint
{
    public static RouteHandlerBuilder MapRescindDecision(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/deidentification-decisions/{decisionId:guid}/rescission", Handle)
            .Write<RescissionRequest>("RescindDeidentification", "Rescind a de-identification decision", created: false);

    public static Task<Ok<CommandResult>> Handle(
        Guid id, Guid decisionId, RescissionRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new RescindDeidentificationCommand(id, decisionId, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
