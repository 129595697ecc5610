using System.ComponentModel.DataAnnotations;

namespace Provenance.Ledger.Infrastructure;

/// <summary>
/// <c>Provenance:Cache</c>: the bounds of the in-memory caches (#15: bound and validated at start,
/// so a mistyped size stops the service instead of silently taking the default).
/// </summary>
internal sealed class CacheOptions
{
    public const string Section = "Provenance:Cache";

    /// <summary>Folded stream states, counted in the events they were folded from.</summary>
    [Range(1_000, 100_000_000)]
    public long StreamEvents { get; set; } = 200_000;

    /// <summary>Lineage answers, counted in bytes of JSON; 0 turns reuse off.</summary>
    [Range(0, 64L * 1024 * 1024 * 1024)]
    public long LineageBytes { get; set; } = 64L * 1024 * 1024;
}

/// <summary>
/// <c>Provenance:Health</c> (#14): how many appends in a row may fail for a reason that is not the
/// caller's before the instance reports itself unready, and how long it stays so without a success.
/// </summary>
internal sealed class HealthOptions
{
    public const string Section = "Provenance:Health";

    [Range(1, 1_000)]
    public int AppendFailureThreshold { get; set; } = 3;

    [Range(0.1, 3_600)]
    public double AppendRecoverySeconds { get; set; } = 30;
}
