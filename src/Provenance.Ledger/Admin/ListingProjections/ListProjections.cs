using MediatR;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.EventStore.Projections;
using Provenance.Ledger.Access;
using Provenance.EventStore.Background;

namespace Provenance.Ledger.Admin.ListingProjections;

/// <summary>Where a projection stands against the log: <c>Lag</c> events are not in its read model yet.</summary>
public sealed record ProjectionStatus(string Name, string Mode, long Checkpoint, long Head, long Lag);

/// <summary>Every projection, inline or async, and the Merkle tree, with how far each lags the log.</summary>
internal sealed record ListProjectionsQuery : IRequest<IReadOnlyList<ProjectionStatus>>, IAdministration;

internal sealed class HandleListProjections(PostgresEventStore store, LogDaemon daemon, ProjectionRunner runner, MerkleIntegrator integrator)
    : IRequestHandler<ListProjectionsQuery, IReadOnlyList<ProjectionStatus>>
{
    public async Task<IReadOnlyList<ProjectionStatus>> Handle(ListProjectionsQuery request, CancellationToken cancellationToken)
    {
        var head = await store.GetHeadPositionAsync(cancellationToken);
        var statuses = new List<ProjectionStatus>();
        foreach (var (projection, mode) in store.InlineProjections.Select(p => (p, "inline")).Concat(daemon.Followers.OfType<ProjectionFollower>().Select(f => (f.Projection, "async"))))
        {
            var checkpoint = await runner.GetCheckpointAsync(projection.Name, cancellationToken);
            statuses.Add(new ProjectionStatus(projection.Name, mode, checkpoint, head, Math.Max(0, head - checkpoint)));
        }

        // #5: the Merkle tree integrates the log asynchronously too; its "checkpoint" is the tree size.
        var tree = await integrator.GetTreeHeadAsync(cancellationToken);
        statuses.Add(new ProjectionStatus("merkle-tree", "integrity", tree.Size, head, Math.Max(0, head - tree.Size)));
        return statuses;
    }
}
