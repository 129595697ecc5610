using MediatR;
using Provenance.Ledger.Integrity.ProvingInclusion;

namespace Provenance.Api.Integrity.ProvingInclusion;

/// <summary><c>GET /events/{position}/inclusion-proof</c>: an RFC 9162 inclusion proof of one event in a signed checkpoint.</summary>
internal static class GetInclusionProofEndpoint
{
    public static RouteHandlerBuilder MapGetInclusionProof(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/events/{position:long}/inclusion-proof", Handle)
            .WithName("GetInclusionProof")
            .WithSummary("An RFC 9162 inclusion proof of the event at a position in a signed checkpoint (?treeSize, default the latest), with the event's canonical envelope")
            .Produces<InclusionProofView>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static Task<InclusionProofView> Handle(long position, long? treeSize, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetInclusionProofQuery(position, treeSize), cancellationToken);
}
