using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Provenance.EventStore;

namespace Provenance.Api.Infrastructure.Database;

/// <summary>Ready when the ledger database answers and its log can be read.</summary>
internal sealed class DatabaseHealthCheck(PostgresEventStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var head = await store.GetHeadPositionAsync(cancellationToken);
            return HealthCheckResult.Healthy($"log head at position {head}");
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("the ledger database is unreachable or not migrated");
        }
    }
}
