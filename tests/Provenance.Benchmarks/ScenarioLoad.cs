using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Provenance.Api.Extensions;
using Provenance.Api.Infrastructure.Database;
using Provenance.EventStore;
using Provenance.Scenarios;
using Provenance.Ledger.Infrastructure.Database;

namespace Provenance.Benchmarks;

/// <summary>
/// Loads a generated scenario through the service's own event store: the same serializer, the same
/// append function and the same inline projections as the API, one append per generated batch.
/// </summary>
internal static class ScenarioLoad
{
    public static async Task<int> RunAsync(Arguments options)
    {
        var events = options.Number("events", 1_000_000);
        var seed = (int)options.Number("seed", 20261122);
        var shape = new FlagshipShape((int)options.Number("chains", 100), (int)options.Number("depth", 10));
        await using var app = ServiceHost.Build(options.Required("connection"), options.Optional("migrations-connection"));
        await app.Services.GetServices<IHostedService>().OfType<MigrationHostedService>().Single().StartAsync(CancellationToken.None);
        var store = app.Services.GetRequiredService<PostgresEventStore>();

        var generator = new ScenarioGenerator(seed, events, shape);
        var metadata = new EventMetadata("scenario-generator", "admin", $"scenario-{seed}");
        var clock = Stopwatch.StartNew();
        var lastReport = 0L;
        var dry = options.Optional("dry") == "true";
        // Appends are issued in the generator's order without waiting for each: the store queues them
        // in call order, and group commit writes them in that order (appends to one stream never share
        // a transaction, so each is judged after the one before it). At most `window` are in flight.
        var window = (int)options.Number("window", 256);
        var inFlight = new Queue<Task>(window);
        foreach (var append in generator.Generate())
        {
            if (dry)
            {
                continue;
            }

            if (inFlight.Count == window)
            {
                await inFlight.Dequeue();
            }

            inFlight.Enqueue(append.AppendToAsync(store, metadata));
            if (generator.EventCount - lastReport >= 100_000)
            {
                lastReport = generator.EventCount;
                Console.WriteLine($"  {generator.EventCount:N0} events, {generator.EventCount / clock.Elapsed.TotalSeconds:N0}/s");
            }
        }

        await Task.WhenAll(inFlight);
        var seconds = clock.Elapsed.TotalSeconds;
        var transactions = store.Statistics.Transactions;
        Console.WriteLine($"Loaded {generator.EventCount:N0} events in {generator.AppendCount:N0} appends ({transactions:N0} transactions) in {seconds:N1} s ({generator.EventCount / seconds:N0} events/s).");
        Report.Result("load.events", generator.EventCount);
        Report.Result("load.appends", generator.AppendCount);
        Report.Result("load.transactions", transactions);
        Report.Result("load.seconds", seconds);
        Report.Result("load.events_per_s", generator.EventCount / seconds);
        Report.Result("flagship.model", generator.FlagshipModelId.ToString());
        Report.Result("flagship.version", ScenarioGenerator.FlagshipModelVersion);
        Report.Result("flagship.dataset_versions", shape.Versions);
        return 0;
    }
}
