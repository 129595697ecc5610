using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Models.GettingModelVersion;

namespace Provenance.Api.Models.GettingModelVersion;

/// <summary><c>GET /models/{id}/versions/{modelVersion}</c>: one version of a model, with the model's ETag.</summary>
internal static class GetModelVersionEndpoint
{
    public static RouteHandlerBuilder MapGetModelVersion(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/versions/{modelVersion}", Handle)
            .WithName("GetModelVersion")
            .WithSummary("One version of a model: its training runs, status, release and withdrawal")
            .Produces<Domain.Models.ModelVersion>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Ok<Domain.Models.ModelVersion>> Handle(Guid id, string modelVersion, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var (part, streamVersion) = await mediator.Send(new GetModelVersionQuery(id, modelVersion, asOf), cancellationToken);
        return HttpResults.Tagged(context, part, streamVersion);
    }
}
