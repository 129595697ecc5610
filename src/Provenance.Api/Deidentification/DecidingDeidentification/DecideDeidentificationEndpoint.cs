using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Deidentification.DecidingDeidentification;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Deidentification.DecidingDeidentification;

/// <summary><c>POST /datasets/{id}/versions/{version}/deidentification-decisions</c>: record a de-identification decision.</summary>
internal static class DecideDeidentificationEndpoint
{
    public static RouteHandlerBuilder MapDecideDeidentification(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/versions/{version:int}/deidentification-decisions", Handle)
            .Write<DeidentificationRequest>("DecideDeidentification", "Record a de-identification decision (Safe Harbor, Expert Determination, limited data set, or not PHI)", created: true);

    public static Task<Created<CommandResult>> Handle(
        Guid id, int version, DeidentificationRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new DecideDeidentificationCommand(id, version, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
