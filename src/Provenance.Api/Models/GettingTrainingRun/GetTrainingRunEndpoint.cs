using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Models.GettingTrainingRun;

namespace Provenance.Api.Models.GettingTrainingRun;

/// <summary><c>GET /models/{id}/training-runs/{runId}</c>: one training run, with the model's ETag.</summary>
internal static class GetTrainingRunEndpoint
{
    public static RouteHandlerBuilder MapGetTrainingRun(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/training-runs/{runId:guid}", Handle)
            .WithName("GetTrainingRun")
            .WithSummary("One training run of a model, with its clearance override if any")
            .Produces<Domain.Models.TrainingRun>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Ok<Domain.Models.TrainingRun>> Handle(Guid id, Guid runId, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var (part, streamVersion) = await mediator.Send(new GetTrainingRunQuery(id, runId, asOf), cancellationToken);
        return HttpResults.Tagged(context, part, streamVersion);
    }
}
