using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Models.EvaluatingPerformance;

namespace Provenance.Api.Models.EvaluatingPerformance;

/// <summary><c>POST /models/{id:guid}/versions/{modelVersion}/evaluations</c>: record a performance evaluation of a model version; refused as not held-out on data the version trained on.</summary>
internal static class RecordPerformanceEvaluationEndpoint
{
    public static RouteHandlerBuilder MapRecordPerformanceEvaluation(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/versions/{modelVersion}/evaluations", Handle)
            .Write<RecordPerformanceEvaluationRequest>("RecordPerformanceEvaluation", "Record a performance evaluation of a model version; refused as not held-out on data the version trained on", created: true);

    public static Task<Created<CommandResult>> Handle(
        Guid id, string modelVersion, RecordPerformanceEvaluationRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new RecordPerformanceEvaluationCommand(id, modelVersion, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
