using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Provenance.EventStore;
using Provenance.Ledger.Infrastructure.Database;

namespace Provenance.Api.Infrastructure.Health;

/// <summary>
/// Ready when the ledger database answers, its log can be read and appended to: the log head is at
/// the log's last event, and appends are not failing again and again for a reason that is not the
/// caller's (#14). The description says which, without a value from the database. One instance per
/// service (a singleton), so that a lasting reason is logged once a minute.
/// </summary>
internal sealed partial class DatabaseHealthCheck(PostgresEventStore store, TimeProvider time, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    // Probes come every few seconds: the same reason is logged once a minute, not once a probe.
    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private string? _lastReason;
    private DateTimeOffset _lastLoggedAt;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = await CheckAsync(cancellationToken);
        if (result.Status != HealthStatus.Healthy && ShouldLog(result.Description!))
        {
            LogNotReady(logger, result.Description!);
        }

        return result;
    }

    private bool ShouldLog(string reason)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (reason == _lastReason && now - _lastLoggedAt < LogInterval)
            {
                return false;
            }

            (_lastReason, _lastLoggedAt) = (reason, now);
            return true;
        }
    }

    [LoggerMessage(LogLevel.Warning, "The instance is not ready: {Reason}")]
    private static partial void LogNotReady(ILogger logger, string reason);

    private async Task<HealthCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        long head, last;
        try
        {
            (head, last) = await store.GetHeadAndLastEventAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("the ledger database is unreachable or not migrated");
        }

        if (last != head)
        {
            return HealthCheckResult.Unhealthy(
                $"the log holds an event at position {last} past its head at {head}: a row was written around the append function, " +
                "and appends fail until an operator restores the database (docs/operations.md)");
        }

        var appends = store.Health.Status;
        if (appends.Failing)
        {
            return HealthCheckResult.Unhealthy(
                $"appends are failing: {appends.ConsecutiveFailures} in a row, the last at {appends.LastFailureAt:O} ({appends.LastFailure})");
        }

        return HealthCheckResult.Healthy($"log head at position {head}");
    }
}
