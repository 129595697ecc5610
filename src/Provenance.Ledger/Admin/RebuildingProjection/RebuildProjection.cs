using System.Diagnostics;
using MediatR;
using Provenance.EventStore;
using Provenance.EventStore.Projections;
using Provenance.Ledger.Access;
using Provenance.EventStore.Background;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Ledger.Admin.RebuildingProjection;

/// <summary>The result of a rebuild: how many events were replayed and where the projection now stands.</summary>
public sealed record RebuildResult(string Projection, long EventsReplayed, long Checkpoint, double ElapsedMs);

/// <summary>Empty a projection's read model and replay the whole log into it (appends wait meanwhile).</summary>
internal sealed record RebuildProjectionCommand(string Name) : IRequest<RebuildResult>, IAdministration;

internal sealed class HandleRebuildProjection(PostgresEventStore store, LogDaemon daemon, ProjectionRunner runner)
    : IRequestHandler<RebuildProjectionCommand, RebuildResult>
{
    public async Task<RebuildResult> Handle(RebuildProjectionCommand request, CancellationToken cancellationToken)
    {
        var known = store.InlineProjections.Concat(daemon.Followers.OfType<ProjectionFollower>().Select(f => f.Projection)).ToList();
        var projection = known.FirstOrDefault(p => p.Name == request.Name)
            ?? throw new NotFoundException($"No projection is named '{request.Name}' (known: {string.Join(", ", known.Select(p => p.Name))}).");
        var started = Stopwatch.GetTimestamp();
        var replayed = await runner.RebuildAsync(projection, cancellationToken: cancellationToken);
        return new RebuildResult(request.Name, replayed, await runner.GetCheckpointAsync(request.Name, cancellationToken),
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
