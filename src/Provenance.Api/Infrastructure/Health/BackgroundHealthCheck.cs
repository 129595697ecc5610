using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Provenance.EventStore;
using Provenance.EventStore.Background;
using Provenance.Ledger.Infrastructure.Background;

namespace Provenance.Api.Infrastructure.Health;

/// <summary>
/// The lag of the work that follows the log (#15): degraded when an asynchronous projection or the
/// Merkle tree is behind the log's head and has not moved for <c>Provenance:Background:StallAfter</c>,
/// or when this instance's last batch of it failed. Positions are read from the database, so the
/// check holds whichever instance runs the work. Degraded, not unhealthy: the instance still serves
/// (reads say when a list is stale), but whoever watches readiness sees what is stuck and by how much.
/// One instance per service (a singleton): it remembers since when each follower stood still.
/// </summary>
internal sealed class BackgroundHealthCheck(LogDaemon daemon, PostgresEventStore store, IOptions<BackgroundOptions> options, TimeProvider clock) : IHealthCheck
{
    private readonly Dictionary<string, (long Position, DateTimeOffset Since)> _seen = [];
    private readonly Lock _gate = new();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var head = await store.GetHeadPositionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var problems = new List<string>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["head"] = head };
        foreach (var follower in daemon.Followers)
        {
            var position = await follower.GetPositionAsync(cancellationToken);
            data[follower.Name] = position;
            DateTimeOffset since;
            lock (_gate)
            {
                since = _seen.TryGetValue(follower.Name, out var seen) && seen.Position == position ? seen.Since : now;
                _seen[follower.Name] = (position, since);
            }

            if (position < head && now - since >= options.Value.StallAfter)
            {
                problems.Add($"{follower.Name} is {head - position} events behind the log and has not moved for {(now - since).TotalSeconds:0} s");
            }
        }

        problems.AddRange(daemon.Statuses.Where(s => s.LastError is not null).Select(s => $"{s.Name}'s last batch failed ({s.LastError})"));
        return problems.Count == 0
            ? HealthCheckResult.Healthy("Background work is keeping up with the log.", data)
            : HealthCheckResult.Degraded(string.Join("; ", problems) + ".", data: data);
    }
}
