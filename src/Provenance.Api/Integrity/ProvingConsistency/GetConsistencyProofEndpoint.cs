using MediatR;
using Provenance.Ledger.Integrity.ProvingConsistency;

namespace Provenance.Api.Integrity.ProvingConsistency;

/// <summary><c>GET /checkpoints/consistency-proof</c>: an RFC 9162 consistency proof between two tree sizes.</summary>
internal static class GetConsistencyProofEndpoint
{
    public static RouteHandlerBuilder MapGetConsistencyProof(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/consistency-proof", Handle)
            .WithName("GetConsistencyProof")
            .WithSummary("An RFC 9162 consistency proof that the tree of ?from leaves is a prefix of the signed checkpoint of ?to leaves")
            .Produces<ConsistencyProofView>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static Task<ConsistencyProofView> Handle(long? from, long? to, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetConsistencyProofQuery(from, to), cancellationToken);
}
