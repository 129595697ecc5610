using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Models.RecordingRegulatoryStatus;

namespace Provenance.Api.Models.RecordingRegulatoryStatus;

/// <summary><c>POST /models/{id:guid}/regulatory-status</c>: record the model's regulatory status (FDA, EU), effective from a date.</summary>
internal static class RecordRegulatoryStatusEndpoint
{
    public static RouteHandlerBuilder MapRecordRegulatoryStatus(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/regulatory-status", Handle)
            .Write<RecordRegulatoryStatusRequest>("RecordRegulatoryStatus", "Record the model's regulatory status, effective from a date; a later record supersedes it", created: true);

    public static Task<Created<CommandResult>> Handle(
        Guid id, RecordRegulatoryStatusRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new RecordRegulatoryStatusCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
