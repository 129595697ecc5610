using MediatR;
using Provenance.Ledger.Integrity;
using Provenance.Ledger.Integrity.GettingCheckpoints;

namespace Provenance.Api.Integrity.GettingCheckpoints;

/// <summary>
/// <c>GET /checkpoints/latest</c>, <c>GET /checkpoints/{treeSize}</c> and <c>GET /checkpoints/public-key</c>:
/// signed checkpoints and the key that verifies them (the latest and the key are public).
/// </summary>
internal static class GetCheckpointEndpoints
{
    public static IEndpointRouteBuilder MapGetCheckpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/latest", Latest)
            .AllowAnonymous().WithName("GetLatestCheckpoint").WithSummary("The latest signed checkpoint: tree size, root hash and the C2SP signed note")
            .Produces<CheckpointView>().ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/{treeSize:long}", BySize)
            .WithName("GetCheckpoint").WithSummary("The signed checkpoint of a tree size")
            .Produces<CheckpointView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        routes.MapGet("/public-key", PublicKey)
            .AllowAnonymous().WithName("GetCheckpointPublicKey").WithSummary("The key that verifies checkpoints: the C2SP verifier key and the PEM public key")
            .Produces<PublicKeyView>();
        return routes;
    }

    public static Task<CheckpointView> Latest(IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetLatestCheckpointQuery(), cancellationToken);

    public static Task<CheckpointView> BySize(long treeSize, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetCheckpointQuery(treeSize), cancellationToken);

    public static Task<PublicKeyView> PublicKey(IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetPublicKeyQuery(), cancellationToken);
}
