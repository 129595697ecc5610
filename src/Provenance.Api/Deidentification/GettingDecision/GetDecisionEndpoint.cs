using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Deidentification.GettingDecision;

namespace Provenance.Api.Deidentification.GettingDecision;

/// <summary><c>GET /datasets/{id}/deidentification-decisions/{decisionId}</c>: one decision, with the dataset's ETag.</summary>
internal static class GetDecisionEndpoint
{
    public static RouteHandlerBuilder MapGetDecision(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/deidentification-decisions/{decisionId:guid}", Handle)
            .WithName("GetDeidentificationDecision")
            .WithSummary("One de-identification decision of a dataset, with its rescission if any")
            .Produces<Domain.Datasets.DeidentificationDecision>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Ok<Domain.Datasets.DeidentificationDecision>> Handle(Guid id, Guid decisionId, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var (part, streamVersion) = await mediator.Send(new GetDecisionQuery(id, decisionId, asOf), cancellationToken);
        return HttpResults.Tagged(context, part, streamVersion);
    }
}
