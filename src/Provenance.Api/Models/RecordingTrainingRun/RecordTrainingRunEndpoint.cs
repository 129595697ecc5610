using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Models.RecordingTrainingRun;

namespace Provenance.Api.Models.RecordingTrainingRun;

/// <summary><c>POST /models/{id}/training-runs</c>: record a training run, refused with the clearance findings unless every input is cleared.</summary>
internal static class RecordTrainingRunEndpoint
{
    public static RouteHandlerBuilder MapRecordTrainingRun(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/training-runs", Handle)
            .Write<RecordTrainingRunRequest>("RecordTrainingRun", "Record a training run; refused with the clearance findings unless every input is cleared on the start date or an administrator overrides", created: true);

    public static Task<Created<CommandResult>> Handle(
        Guid id, RecordTrainingRunRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new RecordTrainingRunCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
