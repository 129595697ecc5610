using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Provenance.Api.Infrastructure.Database;
using Provenance.EventStore;
using Provenance.EventStore.Projections;
using Provenance.Ledger.Infrastructure.Database;

namespace Provenance.Benchmarks;

/// <summary>
/// Rebuilds every projection of the service (inline and asynchronous) from the whole log, one after
/// another, the way <c>provenance rebuild</c> does: empty its tables, replay every event in one
/// transaction. Prints events/s for each (<c>--projection name</c>: that one only, to profile it).
/// </summary>
internal static class ProjectionRebuild
{
    public static async Task<int> RunAsync(Arguments options)
    {
        await using var app = ServiceHost.Build(options.Required("connection"), options.Optional("migrations-connection"));
        await app.Services.GetServices<IHostedService>().OfType<MigrationHostedService>().Single().StartAsync(CancellationToken.None);
        var runner = app.Services.GetRequiredService<ProjectionRunner>();
        var store = app.Services.GetRequiredService<PostgresEventStore>();
        var only = options.Optional("projection");
        var projections = store.InlineProjections.Concat(app.Services.GetServices<IProjection>()).Distinct()
            .Where(p => only is null || p.Name == only).ToList();

        // The reference: reading and deserializing the whole log, which a rebuild of every event type must do.
        var read = Stopwatch.StartNew();
        var count = 0L;
        await foreach (var _ in store.ReadAllAsync())
        {
            count++;
        }

        Console.WriteLine($"Read {count:N0} events in {read.Elapsed.TotalSeconds:N1} s ({count / read.Elapsed.TotalSeconds:N0} events/s).");
        Report.Result("read.events_per_s", count / read.Elapsed.TotalSeconds);
        foreach (var projection in projections)
        {
            var clock = Stopwatch.StartNew();
            var replayed = await runner.RebuildAsync(projection);
            var seconds = clock.Elapsed.TotalSeconds;
            var log = await runner.GetCheckpointAsync(projection.Name);
            Console.WriteLine($"Rebuilt {projection.Name} from the {log:N0}-event log in {seconds:N1} s: {log / seconds:N0} log events/s, " +
                $"{replayed:N0} events of its types applied ({replayed / seconds:N0}/s).");
            Report.Result($"rebuild.{projection.Name}.events", replayed);
            Report.Result($"rebuild.{projection.Name}.log_events_per_s", log / seconds);
        }

        return 0;
    }
}
