using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Provenance.Api.Infrastructure.Database;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.StreamIndex;
using Provenance.Ledger.Infrastructure.Database;
using Provenance.Ledger.Integrity;

namespace Provenance.Benchmarks;

/// <summary>
/// What the stream index (#16) costs. <c>index-appends</c>: single-event appends at 32 writers while
/// the ledger's integrity follower keeps the Merkle tree level with the log, once with the stream
/// index following the tree and once without, taking turns (the index is off the append path; what
/// it can cost appends is the follower's reading and hashing beside them). <c>stream-index</c>, on a
/// loaded scenario: the integrator catching the tree and the index up from the whole log (against
/// reading the log alone), signing a checkpoint with its index update after new appends, and the
/// size of map proofs.
/// </summary>
internal static class StreamIndexCost
{
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(100);

    public static async Task<int> AppendsAsync(Arguments options)
    {
        var writers = (int)options.Number("writers", 32);
        var seconds = options.Number("seconds", 10);
        var repeat = (int)options.Number("repeat", 3);
        var pooled = new Npgsql.NpgsqlConnectionStringBuilder(options.Required("connection")) { MaxPoolSize = writers + 8 }.ConnectionString;
        await using var app = ServiceHost.Build(pooled, options.Optional("migrations-connection"));
        await app.Services.GetServices<IHostedService>().OfType<MigrationHostedService>().Single().StartAsync(CancellationToken.None);
        var store = app.Services.GetRequiredService<PostgresEventStore>();
        var integrator = app.Services.GetRequiredService<MerkleIntegrator>();
        var index = app.Services.GetRequiredService<StreamIndexService>();
        var metadata = new EventMetadata("benchmark", "admin", "stream-index-appends");
        Task Append() => store.AppendAsync(Guid.CreateVersion7(), StreamTypes.Dataset, ExpectedVersion.NoStream, [AppendThroughput.Event(Guid.CreateVersion7())], metadata);

        var (on, off) = (new List<double>(), new List<double>());
        for (var i = 0; i < repeat; i++)
        {
            foreach (var withIndex in new[] { false, true })
            {
                // Each turn starts level: the follower has nothing left over from the turn before.
                await FollowOnceAsync(integrator, index, withIndex: true, CancellationToken.None);
                using var stop = new CancellationTokenSource();
                var follower = FollowAsync(integrator, index, withIndex, stop.Token);
                var rate = await AppendThroughput.RunWritersAsync(writers, seconds, Append);
                await stop.CancelAsync();
                await follower;
                (withIndex ? on : off).Add(rate);
                Console.WriteLine($"{writers} writers, stream index {(withIndex ? "on " : "off")}: {rate:N0} appends/s");
            }
        }

        on.Sort();
        off.Sort();
        var (medianOn, medianOff) = (on[on.Count / 2], off[off.Count / 2]);
        Console.WriteLine($"Medians: index on {medianOn:N0}/s, off {medianOff:N0}/s, ratio {medianOn / medianOff:0.00}");
        Report.Result($"index_appends.w{writers}.on_per_s", medianOn);
        Report.Result($"index_appends.w{writers}.off_per_s", medianOff);
        Report.Result($"index_appends.w{writers}.ratio", medianOn / medianOff);
        return 0;
    }

    public static async Task<int> ScenarioAsync(Arguments options)
    {
        var keyFolder = Directory.CreateTempSubdirectory("provenance-bench-key");
        try
        {
            await using var app = ServiceHost.Build(options.Required("connection"), options.Optional("migrations-connection"), new Dictionary<string, string?>
            {
                ["Provenance:Integrity:SigningKeyFile"] = Path.Combine(keyFolder.FullName, "signing-key.pem"),
                ["Provenance:Integrity:CreateKeyIfMissing"] = "true",
            });
            await app.Services.GetServices<IHostedService>().OfType<MigrationHostedService>().Single().StartAsync(CancellationToken.None);
            return await MeasureScenarioAsync(app.Services, options);
        }
        finally
        {
            keyFolder.Delete(recursive: true);
        }
    }

    private static async Task<int> MeasureScenarioAsync(IServiceProvider services, Arguments options)
    {
        var store = services.GetRequiredService<PostgresEventStore>();
        var integrator = services.GetRequiredService<MerkleIntegrator>();
        var index = services.GetRequiredService<StreamIndexService>();
        var checkpoints = services.GetRequiredService<CheckpointService>();
        var head = await store.GetHeadPositionAsync();

        // The baseline: reading the log as the index reads it (every event's stream and version, the data of the referencing ones).
        var clock = Stopwatch.StartNew();
        var read = 0L;
        await foreach (var _ in store.ReadForIndexAsync(0, head, StreamIndexBuilder.ReferencingEventTypes))
        {
            read++;
        }

        var readRate = read / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"Read the {read:N0}-event log as the index reads it: {readRate:N0} events/s.");

        // The integrator as the follower runs it: the tree, then the index, batch by batch, from the whole log.
        var start = (await integrator.GetTreeHeadAsync()).Size;
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var (treeTime, indexTime) = (TimeSpan.Zero, TimeSpan.Zero);
        while (true)
        {
            clock.Restart();
            var batch = await integrator.IntegrateOnceAsync();
            treeTime += clock.Elapsed;
            clock.Restart();
            await index.CatchUpAsync(batch.Head.Size, CancellationToken.None);
            indexTime += clock.Elapsed;
            if (batch.Integrated == 0)
            {
                break;
            }
        }

        var integrated = head - start;
        // What the index holds for as long as the service runs, and what a map of it adds while one is kept (#22).
        var heldByIndex = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        var map = await index.MapAtAsync(head, CancellationToken.None);
        var heldByMap = GC.GetTotalMemory(forceFullCollection: true) - heapBefore - heldByIndex;
        Console.WriteLine($"The index holds {heldByIndex / 1e6:N1} MB of heap ({(double)heldByIndex / map.Count:N0} bytes a stream); a map of it {heldByMap / 1e6:N1} MB more.");
        Report.Result("index.heap_mb", heldByIndex / 1e6);
        Report.Result("index.heap_bytes_per_stream", (double)heldByIndex / map.Count);
        Report.Result("index.map_mb", heldByMap / 1e6);
        Console.WriteLine($"Integrated {integrated:N0} events into the tree in {treeTime.TotalSeconds:N1} s and the stream index ({map.Count:N0} streams) in {indexTime.TotalSeconds:N1} s: " +
            $"{integrated / (treeTime + indexTime).TotalSeconds:N0} events/s together, the index alone {head / indexTime.TotalSeconds:N0} events/s.");
        Report.Result("index.log_events", head);
        Report.Result("index.streams", map.Count);
        Report.Result("index.read_per_s", readRate);
        Report.Result("index.catch_up_per_s", head / indexTime.TotalSeconds);
        Report.Result("index.catch_up_ratio", head / indexTime.TotalSeconds / readRate);
        if (integrated > 0)
        {
            Report.Result("index.integrator_per_s", integrated / (treeTime + indexTime).TotalSeconds);
        }

        // Signing: new appends arrive, then a checkpoint of the log head integrates them, brings the index level, builds its map and signs.
        var rounds = (int)options.Number("rounds", 5);
        var appends = (int)options.Number("appends", 1_000);
        var metadata = new EventMetadata("benchmark", "admin", "stream-index-checkpoint");
        var signing = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, appends), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) =>
                await store.AppendAsync(Guid.CreateVersion7(), StreamTypes.Dataset, ExpectedVersion.NoStream, [AppendThroughput.Event(Guid.CreateVersion7())], metadata, cancellationToken: ct));
            clock.Restart();
            var (checkpoint, _) = await checkpoints.CheckpointLogHeadAsync(CancellationToken.None);
            signing.Add(clock.Elapsed.TotalMilliseconds);
            Console.WriteLine($"Signed the checkpoint of {checkpoint.TreeSize:N0} events ({appends:N0} new) with its stream index in {signing[^1]:N0} ms.");
        }

        signing.Sort();
        Report.Result("index.checkpoint_tree_size", await store.GetHeadPositionAsync());
        Report.Result("index.checkpoint_ms_median", signing[signing.Count / 2]);
        Report.Result("index.checkpoint_ms_max", signing[^1]);

        // Proofs: every 100th stream present, and as many ids that are not streams.
        map = await index.MapAtAsync(await store.GetHeadPositionAsync(), CancellationToken.None);
        var sizes = new List<(int Bytes, int Hashes)>();
        foreach (var stream in map.AllStreams.Where((_, i) => i % 100 == 0).Concat(Enumerable.Range(0, Math.Max(1, map.Count / 100)).Select(_ => Guid.NewGuid())))
        {
            var proof = map.Prove(stream);
            if (proof.Verify(map.Root) is { } failure)
            {
                throw new InvalidOperationException($"A map proof did not verify: {failure}");
            }

            sizes.Add((proof.ToCanonicalJson().Length, proof.Siblings.Count));
        }

        var bytes = sizes.Select(s => (double)s.Bytes).Order().ToList();
        Console.WriteLine($"{sizes.Count:N0} map proofs over {map.Count:N0} streams: median {Report.Percentile(bytes, 50):N0} bytes, largest {bytes[^1]:N0} bytes, " +
            $"{sizes.Min(s => s.Hashes)} to {sizes.Max(s => s.Hashes)} hashes.");
        Report.Result("index.proof_bytes_median", Report.Percentile(bytes, 50));
        Report.Result("index.proof_bytes_max", bytes[^1]);
        Report.Result("index.proof_hashes", $"{sizes.Min(s => s.Hashes)}–{sizes.Max(s => s.Hashes)}");
        return 0;
    }

    // The follower's loop: appends gather, then the tree (and, when on, the index) catch up with them.
    private static async Task FollowAsync(MerkleIntegrator integrator, StreamIndexService index, bool withIndex, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(Gather, stop);
                await FollowOnceAsync(integrator, index, withIndex, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task FollowOnceAsync(MerkleIntegrator integrator, StreamIndexService index, bool withIndex, CancellationToken cancellationToken)
    {
        IntegrationResult batch;
        do
        {
            batch = await integrator.IntegrateOnceAsync(MerkleIntegrator.DefaultBatchSize, cancellationToken);
            if (withIndex)
            {
                await index.CatchUpAsync(batch.Head.Size, cancellationToken);
            }
        }
        while (batch.Integrated == MerkleIntegrator.DefaultBatchSize);
    }
}
