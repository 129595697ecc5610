using MediatR;
using Provenance.Ledger.Integrity.ProvingStreamIndex;

namespace Provenance.Api.Integrity.ProvingStreamIndex;

/// <summary><c>GET /streams/{id}/index-proof</c>: a stream's entry in a signed checkpoint's stream index, or the proof that it holds no such stream.</summary>
internal static class GetStreamIndexProofEndpoint
{
    public static RouteHandlerBuilder MapGetStreamIndexProof(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/streams/{id:guid}/index-proof", Handle)
            .WithName("GetStreamIndexProof")
            .WithSummary("A stream's entry in the stream index of a signed checkpoint (?treeSize, default the latest): its type, last version, last position " +
                         "and referrers, or the proof that no such stream exists at that size, verifiable against the root the checkpoint carries")
            .Produces<StreamIndexProofView>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static Task<StreamIndexProofView> Handle(Guid id, long? treeSize, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetStreamIndexProofQuery(id, treeSize), cancellationToken);
}
