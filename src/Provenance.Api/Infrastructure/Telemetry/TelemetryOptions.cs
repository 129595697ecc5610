namespace Provenance.Api.Infrastructure.Telemetry;

/// <summary>Traces and metrics (<c>Provenance:Telemetry</c>; docs/operations.md, "Telemetry").</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Provenance:Telemetry";

    /// <summary>The shortest scrape credential accepted: it is a password.</summary>
    public const int MinScrapeTokenLength = 32;

    /// <summary>
    /// Record spans. On by itself when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (spans have nowhere else
    /// to go); set it to record them for an exporter added otherwise.
    /// </summary>
    public bool Tracing { get; set; }

    /// <summary>Serve the Prometheus scrape endpoint at <c>/metrics</c> (administrators, or the scrape credential).</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>
    /// A credential a scraper sends as <c>Authorization: Bearer &lt;token&gt;</c> to read <c>/metrics</c>
    /// without an administrator key (at least 32 characters). <see cref="ScrapeTokenFile"/> is read instead when set.
    /// </summary>
    public string? ScrapeToken { get; set; }

    /// <summary>A file holding the scrape credential (a mounted secret), read at start-up.</summary>
    public string? ScrapeTokenFile { get; set; }

    /// <summary>How often the ledger's state gauges (projection and integrator lag, checkpoint and cosignature age) are read from the database.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}
