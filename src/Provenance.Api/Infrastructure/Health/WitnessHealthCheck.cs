using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Provenance.Ledger.Integrity.Witnessing;

namespace Provenance.Api.Infrastructure.Health;

/// <summary>
/// The witnesses (#17): degraded when a witness's submissions have failed for longer than
/// <c>Provenance:Witnessing:ReportAfter</c>, or when a witness showed a view of this log that
/// contradicts the ledger's. The ledger carries on meanwhile (appends, checkpoints, proofs); what
/// is missing is the cosignatures, so checkpoints may not count as published.
/// </summary>
internal sealed class WitnessHealthCheck(WitnessPublisher publisher, IOptions<WitnessingOptions> options, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var problems = new List<string>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var status in publisher.Statuses)
        {
            data[status.Witness.Name] = status.CosignedSize;
            if (status.SplitView is { } splitView)
            {
                problems.Add($"witness {status.Witness.Name} contradicts this log: {splitView}");
            }
            else if (status.FailingSince is { } since && now - since >= options.Value.ReportAfter)
            {
                problems.Add($"witness {status.Witness.Name} has not cosigned for {(now - since).TotalSeconds:0} s ({status.LastError})");
            }
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy(data.Count == 0 ? "No witnesses are configured." : "Every witness is cosigning.", data)
            : HealthCheckResult.Degraded(string.Join("; ", problems) + ".", data: data));
    }
}
