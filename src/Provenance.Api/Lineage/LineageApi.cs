using MediatR;
using Provenance.Api.Access;
using Provenance.Ledger.Access;
using Provenance.Ledger.Lineage;
using Provenance.Ledger.Lineage.GettingImpact;
using Provenance.Ledger.Lineage.GettingModelLineage;
using Provenance.Ledger.Lineage.GettingProtocolUsage;

namespace Provenance.Api.Lineage;

internal static class LineageApi
{
    public static IEndpointRouteBuilder MapLineageApi(this IEndpointRouteBuilder routes)
    {
        var app = routes.MapGroup("").RequireAuthorization(AccessPolicies.Read);
        app.MapGet("/models/{id:guid}/versions/{modelVersion}/lineage",
                async (Guid id, string modelVersion, DateTimeOffset? asOf, string? detail, IMediator mediator, HttpContext http, CancellationToken ct) =>
                {
                    var answer = await mediator.Send(new GetModelLineageQuery(id, modelVersion, asOf, detail), ct);
                    http.Response.Headers.ETag = answer.ETag;
                    if (http.Request.Headers.IfNoneMatch.Contains(answer.ETag))
                    {
                        return Results.StatusCode(StatusCodes.Status304NotModified);
                    }

                    return Results.Stream(body => answer.WriteAsync(body, ct), "application/json; charset=utf-8");
                })
            .WithTags("Lineage").WithName("GetModelLineage")
            .WithSummary("Where a model version's training data came from: the upstream graph to the original contributions, " +
                         "each dataset version with its decisions, approvals, licenses, consent withdrawals and clearance at training and today; ?asOf answers from the ledger as it stood then; ?detail=full adds each decision's and license's whole record. " +
                         "The ETag names the answer's inputs: If-None-Match answers 304 while nothing it depends on changed")
            .Produces<ModelLineage>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        app.MapGet("/datasets/{id:guid}/versions/{version:int}/impact",
                (Guid id, int version, DateTimeOffset? asOf, IMediator mediator, CancellationToken ct) =>
                    mediator.Send(new GetImpactQuery(id, version, asOf), ct))
            .WithTags("Lineage").WithName("GetDatasetVersionImpact")
            .WithSummary("Everything downstream of a dataset version: derived versions, training runs and model versions (what must be retrained); ?asOf as above")
            .Produces<DownstreamView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status400BadRequest);

        app.MapGet("/irb/protocols/{id:guid}/usage",
                (Guid id, DateTimeOffset? asOf, IMediator mediator, CancellationToken ct) =>
                    mediator.Send(new GetProtocolUsageQuery(id, asOf), ct))
            .WithTags("Lineage").WithName("GetIrbProtocolUsage")
            .WithSummary("Every dataset, dataset version, training run and model version that relied on an IRB protocol; ?asOf as above")
            .Produces<ProtocolUsage>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status400BadRequest);

        return routes;
    }
}
