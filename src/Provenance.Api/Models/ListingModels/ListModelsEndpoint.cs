using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Models.ListingModels;
using Provenance.Ledger.Streams;

namespace Provenance.Api.Models.ListingModels;

/// <summary><c>GET /models</c>: models in registration order with their versions, filtered, cursor-paged.</summary>
internal static class ListModelsEndpoint
{
    public static RouteHandlerBuilder MapListModels(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/", Handle)
            .WithName("ListModels")
            .WithSummary("Models in registration order with their versions, filtered by commercial use and by whether any run's clearance was overridden; cursor-paged")
            .Produces<Page<ModelSummary>>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static Task<Page<ModelSummary>> Handle(bool? commercial, bool? overridden, string? after, int? limit, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new ListModelsQuery(commercial, overridden, after, limit), cancellationToken);
}
