using MediatR;
using Provenance.Ledger.Integrity.GettingCheckpoints;

namespace Provenance.Ledger.Integrity.CreatingCheckpoint;

/// <summary>Integrate the log up to its head now, then sign and store a checkpoint of the tree (unless that size has one).</summary>
internal sealed record CreateCheckpointCommand : IRequest<CheckpointCreated>;

/// <summary>The checkpoint, and whether this request signed it (false: that tree size already had one).</summary>
internal sealed record CheckpointCreated(CheckpointView Checkpoint, bool Created);

internal sealed class HandleCreateCheckpoint(CheckpointService checkpoints, Microsoft.Extensions.Options.IOptions<Witnessing.WitnessingOptions> policy)
    : IRequestHandler<CreateCheckpointCommand, CheckpointCreated>
{
    public async Task<CheckpointCreated> Handle(CreateCheckpointCommand request, CancellationToken cancellationToken)
    {
        var (checkpoint, created) = await checkpoints.CheckpointLogHeadAsync(cancellationToken);
        // An existing checkpoint may have been cosigned already; a new one has no cosignature yet.
        if (!created && await checkpoints.GetAsync(checkpoint.TreeSize, cancellationToken) is { } stored)
        {
            checkpoint = stored;
        }

        return new CheckpointCreated(CheckpointView.From(checkpoint, policy.Value), created);
    }
}
