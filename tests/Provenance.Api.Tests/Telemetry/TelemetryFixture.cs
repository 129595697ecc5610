using Microsoft.AspNetCore.Hosting;

namespace Provenance.Api.Tests.Telemetry;

/// <summary>
/// The metrics tests read counters that every instance in the process moves (the .NET meters are
/// process-wide, as in production where there is one instance per process): they run in a collection
/// of their own, after and apart from every other test class of this assembly.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideTelemetry
{
    public const string Name = "Process-wide telemetry";
}

/// <summary>An instance with a scrape credential and gauges read every 200 ms.</summary>
public sealed class TelemetryFixture : ApiFixture
{
    public const string ScrapeToken = "scrape-token-for-tests-only-0123456789abcdef";

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Provenance:Telemetry:ScrapeToken", ScrapeToken);
        web.UseSetting("Provenance:Telemetry:SampleInterval", "00:00:00.200");
    }
}
