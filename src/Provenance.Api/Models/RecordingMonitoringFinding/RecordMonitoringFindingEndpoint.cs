using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Models.RecordingMonitoringFinding;

namespace Provenance.Api.Models.RecordingMonitoringFinding;

/// <summary><c>POST /models/{id:guid}/versions/{modelVersion}/monitoring-findings</c>: record a post-market monitoring finding on a released model version.</summary>
internal static class RecordMonitoringFindingEndpoint
{
    public static RouteHandlerBuilder MapRecordMonitoringFinding(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/versions/{modelVersion}/monitoring-findings", Handle)
            .Write<RecordMonitoringFindingRequest>("RecordMonitoringFinding", "Record a post-market monitoring finding (drift or safety signal) and the action taken", created: true);

    public static Task<Created<CommandResult>> Handle(
        Guid id, string modelVersion, RecordMonitoringFindingRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new RecordMonitoringFindingCommand(id, modelVersion, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
