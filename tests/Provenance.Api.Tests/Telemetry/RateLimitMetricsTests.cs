using System.Net;
using Microsoft.AspNetCore.Hosting;
using Provenance.Testing;

namespace Provenance.Api.Tests.Telemetry;

/// <summary>An instance that lets an anonymous caller make two requests an hour.</summary>
public sealed class RateLimitedFixture : ApiFixture
{
    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Provenance:RateLimit:AnonymousPermitLimit", "2");
        web.UseSetting("Provenance:RateLimit:Window", "01:00:00");
    }
}

// A class of its own: the instance it needs is the only one alive while it runs (see ProcessWideTelemetry).
[Collection(ProcessWideTelemetry.Name)]
public sealed class RateLimitMetricsTests(RateLimitedFixture api) : IClassFixture<RateLimitedFixture>
{
    private const string Requests = "aspnetcore_rate_limiting_requests_total";

    [Fact]
    public async Task A_rate_limit_rejection_is_counted_by_the_framework_meter()
    {
        var before = new PrometheusText(await api.Client.GetStringAsync("/metrics"));
        using var anonymous = api.Anonymous();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await anonymous.GetAsync("/checkpoints/public-key");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        var rejected = ("aspnetcore_rate_limiting_result", "global_limiter");
        var after = await Eventually.ReturnsAsync(async () => new PrometheusText(await api.Client.GetStringAsync("/metrics")),
            s => MetricsTests.Delta(before, s, Requests, rejected) >= 1, "the scrape shows the rejection");
        Assert.Equal(1, MetricsTests.Delta(before, after, Requests, rejected));
    }
}
