using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Provenance.Api.Infrastructure.Telemetry;

namespace Provenance.Api.Tests.Telemetry;

// A class of its own in the process-wide collection: an instance that fails to start disposes its
// framework meters, which ends the same-named streams of the instance beside it (see ProcessWideTelemetry).
[Collection(ProcessWideTelemetry.Name)]
public sealed class FailedStartTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task An_instance_whose_start_up_fails_leaves_no_gauges_in_the_process()
    {
        // The ledger's gauges report every live instance in the process. One that never started would
        // report its reading (its checkpoint ever older) beside the serving instance's, and a scrape
        // would show either (this made the checkpoint-age test fail when it came second).
        var before = LedgerGauges.LiveInstances;
        await using var failing = api.NewInstance(web => web.ConfigureTestServices(services => services.AddHostedService<FailsToStart>()));

        var refused = Assert.ThrowsAny<Exception>(() => failing.CreateClient());
        Assert.Contains(FailsToStart.Reason, refused.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, LedgerGauges.LiveInstances);
    }

    private sealed class FailsToStart : IHostedService
    {
        public const string Reason = "This instance refuses to start (a test).";

        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException(Reason);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
