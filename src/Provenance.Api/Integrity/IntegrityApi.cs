using System.Globalization;
using MediatR;
using Provenance.Api.Access;
using Provenance.Ledger.Access;
using Provenance.Ledger.Integrity;
using Provenance.Ledger.Integrity.CreatingCheckpoint;
using Provenance.Ledger.Integrity.GettingCheckpoints;
using Provenance.Ledger.Integrity.ProvingConsistency;
using Provenance.Ledger.Integrity.ProvingInclusion;

namespace Provenance.Api.Integrity;

/// <summary>Signed checkpoints of the log's Merkle tree, and proofs against them (#5; docs/integrity.md).</summary>
internal static class IntegrityApi
{
    public static IEndpointRouteBuilder MapIntegrityApi(this IEndpointRouteBuilder app)
    {
        var checkpoints = app.MapGroup("/checkpoints").WithTags("Integrity").RequireAuthorization(AccessPolicies.Read);

        checkpoints.MapPost("/", async (IMediator mediator, CancellationToken ct) =>
            {
                var (checkpoint, created) = await mediator.Send(new CreateCheckpointCommand(), ct);
                return created
                    ? Results.Created("/checkpoints/" + checkpoint.TreeSize.ToString(CultureInfo.InvariantCulture), checkpoint)
                    : Results.Ok(checkpoint);
            })
            .WithName("CreateCheckpoint").RequireAuthorization(AccessPolicies.Admin)
            .WithSummary("Integrate the log up to its head, then sign and store a checkpoint of the Merkle tree: 201, or 200 when that tree size already has one")
            .Produces<CheckpointView>(StatusCodes.Status201Created).Produces<CheckpointView>()
            .ProducesProblem(StatusCodes.Status500InternalServerError);

        checkpoints.MapGet("/latest", (IMediator mediator, CancellationToken ct) => mediator.Send(new GetLatestCheckpointQuery(), ct))
            .AllowAnonymous().WithName("GetLatestCheckpoint").WithSummary("The latest signed checkpoint: tree size, root hash and the C2SP signed note")
            .Produces<CheckpointView>().ProducesProblem(StatusCodes.Status404NotFound);

        checkpoints.MapGet("/{treeSize:long}", (long treeSize, IMediator mediator, CancellationToken ct) => mediator.Send(new GetCheckpointQuery(treeSize), ct))
            .WithName("GetCheckpoint").WithSummary("The signed checkpoint of a tree size")
            .Produces<CheckpointView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        checkpoints.MapGet("/public-key", (IMediator mediator, CancellationToken ct) => mediator.Send(new GetPublicKeyQuery(), ct))
            .AllowAnonymous().WithName("GetCheckpointPublicKey").WithSummary("The key that verifies checkpoints: the C2SP verifier key and the PEM public key")
            .Produces<PublicKeyView>();

        checkpoints.MapGet("/consistency-proof", (long? from, long? to, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new GetConsistencyProofQuery(from, to), ct))
            .WithName("GetConsistencyProof")
            .WithSummary("An RFC 9162 consistency proof that the tree of ?from leaves is a prefix of the signed checkpoint of ?to leaves")
            .Produces<ConsistencyProofView>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        app.MapGet("/events/{position:long}/inclusion-proof", (long position, long? treeSize, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new GetInclusionProofQuery(position, treeSize), ct))
            .WithTags("Integrity").WithName("GetInclusionProof").RequireAuthorization(AccessPolicies.Read)
            .WithSummary("An RFC 9162 inclusion proof of the event at a position in a signed checkpoint (?treeSize, default the latest), with the event's canonical envelope")
            .Produces<InclusionProofView>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        return app;
    }
}
