using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Models.GettingModel;

namespace Provenance.Api.Models.GettingModel;

/// <summary><c>GET /models/{id}</c>: a model with its versions and training runs, with its ETag.</summary>
internal static class GetModelEndpoint
{
    public static RouteHandlerBuilder MapGetModel(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}", Handle)
            .WithName("GetModel")
            .WithSummary("A model with its versions and training runs")
            .Produces<ModelView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Ok<ModelView>> Handle(Guid id, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var view = await mediator.Send(new GetModelQuery(id, asOf), cancellationToken);
        return HttpResults.Tagged(context, view, view.Version);
    }
}
