using MediatR;
using Provenance.Ledger.Lineage;
using Provenance.Ledger.Lineage.GettingModelLineage;

namespace Provenance.Api.Lineage.GettingModelLineage;

/// <summary>
/// <c>GET /models/{id}/versions/{modelVersion}/lineage</c>: where a model version's training data
/// came from, streamed; its ETag names the answer's inputs, so <c>If-None-Match</c> answers 304.
/// </summary>
internal static class GetModelLineageEndpoint
{
    public static RouteHandlerBuilder MapGetModelLineage(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/models/{id:guid}/versions/{modelVersion}/lineage", Handle)
            .WithName("GetModelLineage")
            .WithSummary("Where a model version's training data came from: the upstream graph to the original contributions, " +
                         "each dataset version with its decisions, approvals, licenses, consent withdrawals and clearance at training and today; ?asOf answers from the ledger as it stood then; ?detail=full adds each decision's and license's whole record. " +
                         "The ETag names the answer's inputs: If-None-Match answers 304 while nothing it depends on changed")
            .Produces<ModelLineage>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    public static async Task<IResult> Handle(
        Guid id, string modelVersion, DateTimeOffset? asOf, string? detail, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var answer = await mediator.Send(new GetModelLineageQuery(id, modelVersion, asOf, detail), cancellationToken);
        context.Response.Headers.ETag = answer.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(answer.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Stream(body => answer.WriteAsync(body, cancellationToken), "application/json; charset=utf-8");
    }
}
