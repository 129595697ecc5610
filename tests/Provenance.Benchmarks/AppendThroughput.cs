using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Provenance.Api.Infrastructure.Database;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.EventStore;
using Provenance.Ledger.Infrastructure.Database;

namespace Provenance.Benchmarks;

/// <summary>
/// Appends through the service's event store (the append function, its integrity checks and the
/// inline projections), one event per transaction, with 1, 8 and 32 concurrent writers; and, in
/// the same run against the same server, plain single-row INSERT transactions of the same payload
/// into a bare table at the same concurrencies: the database's own ceiling for this shape of write.
/// Run it on a database of its own: it writes events no scenario would.
/// </summary>
internal static class AppendThroughput
{
    public static async Task<int> RunAsync(Arguments options)
    {
        var connection = options.Required("connection");
        var seconds = options.Number("seconds", 10);
        // Each side is measured this many times, taking turns, and the medians compared: the machine's
        // other work moves a single run by a third either way.
        var repeat = (int)options.Number("repeat", 3);
        var writerCounts = (options.Optional("writers") ?? "1,8,32").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToList();
        // Enough pooled connections for the most writers, on both sides.
        var pooled = new NpgsqlConnectionStringBuilder(connection) { MaxPoolSize = writerCounts.Max() + 4 }.ConnectionString;
        await using var app = ServiceHost.Build(pooled, options.Optional("migrations-connection"));
        await app.Services.GetServices<IHostedService>().OfType<MigrationHostedService>().Single().StartAsync(CancellationToken.None);
        var store = app.Services.GetRequiredService<PostgresEventStore>();
        // The baseline's table is the owner's (the run-time role may not create tables); who inserts does not change the cost.
        var owner = new NpgsqlConnectionStringBuilder(options.Optional("migrations-connection") ?? connection) { MaxPoolSize = writerCounts.Max() + 4 };
        await using var plain = NpgsqlDataSource.Create(owner.ConnectionString);
        await using (var create = plain.CreateCommand("CREATE TABLE IF NOT EXISTS bench_plain_inserts (id bigserial PRIMARY KEY, data jsonb NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var payload = Payload();
        var metadata = new EventMetadata("benchmark", "admin", "append-throughput");
        foreach (var writers in writerCounts)
        {
            var before = store.Statistics;
            var (appended, inserted) = await AlternateAsync(repeat, writers, seconds,
                async () => await store.AppendAsync(Guid.CreateVersion7(), StreamTypes.Dataset, ExpectedVersion.NoStream, [Event(Guid.CreateVersion7())], metadata),
                async () =>
                {
                    await using var command = plain.CreateCommand("INSERT INTO bench_plain_inserts (data) VALUES ($1::jsonb)");
                    command.Parameters.Add(new NpgsqlParameter { Value = payload });
                    await command.ExecuteNonQueryAsync();
                });
            var grouped = GroupFactor(before, store.Statistics);
            Console.WriteLine($"{writers,2} writers: appends {appended:N0}/s ({grouped:0.0} per transaction), plain inserts {inserted:N0}/s, ratio {appended / inserted:0.00}");
            Report.Result($"append.w{writers}.events_per_s", appended);
            Report.Result($"append.w{writers}.per_transaction", grouped);
            Report.Result($"plain.w{writers}.rows_per_s", inserted);
            Report.Result($"append.w{writers}.ratio", appended / inserted);
        }

        // Batched appends: each append registers a dataset and contributes 99 versions of it (an import's shape).
        // The ceiling, in the same run: the same 100 rows (same JSON, same metadata) inserted by one plain
        // multi-row INSERT into a bare copy of the events table (its columns, checks and indexes; no
        // function, no streams, no projection, no foreign key).
        var batchSize = (int)options.Number("batch-size", 100);
        await using (var create = plain.CreateCommand(
            "CREATE TABLE IF NOT EXISTS bench_plain_events (LIKE provenance.events INCLUDING ALL); CREATE SEQUENCE IF NOT EXISTS bench_plain_events_position"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var serializer = app.Services.GetRequiredService<Provenance.EventStore.Serialization.EventSerializer>();
        // "--batch-writers none" measures single-event appends only (#22's growth table, on a loaded ledger).
        var batchWriters = options.Optional("batch-writers") ?? "1,4";
        foreach (var writers in batchWriters == "none" ? [] : batchWriters.Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)))
        {
            var before = store.Statistics;
            var (appends, inserts) = await AlternateAsync(repeat, writers, seconds, async () =>
            {
                var id = Guid.CreateVersion7();
                await store.AppendAsync(id, StreamTypes.Dataset, ExpectedVersion.NoStream, Batch(id, batchSize), metadata);
            }, async () =>
            {
                var id = Guid.CreateVersion7();
                var events = Batch(id, batchSize).Select(serializer.Serialize).ToList();
                var metadataJson = serializer.SerializeMetadata(metadata);
                await using var command = plain.CreateCommand(
                    "INSERT INTO bench_plain_events (position, id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at) " +
                    "SELECT nextval('bench_plain_events_position'), e.id, $1, e.version, e.type, 1, e.data, $5::jsonb, now() " +
                    "FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS e(id, type, data, version)");
                command.Parameters.Add(new NpgsqlParameter { Value = id });
                command.Parameters.Add(new NpgsqlParameter { Value = events.Select(_ => Guid.CreateVersion7()).ToArray() });
                command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Type.Name).ToArray() });
                command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Json).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb });
                command.Parameters.Add(new NpgsqlParameter { Value = metadataJson });
                await command.ExecuteNonQueryAsync();
            });
            var grouped = GroupFactor(before, store.Statistics);
            Console.WriteLine($"{writers,2} writers, {batchSize} events per append: {appends * batchSize:N0} events/s ({grouped:0.0} appends per transaction); " +
                $"plain {batchSize}-row INSERTs of the same rows {inserts * batchSize:N0} rows/s; ratio {appends / inserts:0.00}");
            Report.Result($"batched.w{writers}.events_per_s", appends * batchSize);
            Report.Result($"batched.w{writers}.per_transaction", grouped);
            Report.Result($"batched_plain.w{writers}.rows_per_s", inserts * batchSize);
            Report.Result($"batched.w{writers}.ratio", appends / inserts);
        }

        return 0;
    }

    private static object[] Batch(Guid id, int size)
    {
        var events = new object[size];
        events[0] = Event(id);
        for (var i = 1; i < size; i++)
        {
            events[i] = Version(id, i);
        }

        return events;
    }

    internal static DatasetVersionContributed Version(Guid id, int version) => new(
        id, version, [new ManifestFile($"part-{version:D5}.parquet", 52_428_800, "sha256:" + new string('a', 64))], 10_000 + version,
        "sha256:" + new string('b', 64), $"s3://benchmark/{id:N}/v{version}/", "Benchmark steward", DateTimeOffset.UtcNow);

    private static double GroupFactor(AppendStatistics before, AppendStatistics after) =>
        (after.Appends - before.Appends) / (double)Math.Max(1, after.Transactions - before.Transactions);

    /// <summary>The payload of the plain INSERT baselines, printed for pgbench's (#22: the database's own client, the same bytes).</summary>
    internal static int PrintPayload()
    {
        Console.WriteLine(Payload());
        return 0;
    }

    internal static string Payload() => System.Text.Json.JsonSerializer.Serialize(Event(Guid.NewGuid()), Provenance.Domain.Common.EventJson.Options);

    internal static DatasetRegistered Event(Guid id) => new(
        id, "Benchmark registration", "A registration appended by the throughput benchmark.", "Benchmark steward", "Benchmark Health",
        Modality.StructuredEhr, new DateOnly(2020, 1, 1), new DateOnly(2023, 12, 31), 1_000, 100, "benchmark", DateTimeOffset.UtcNow);

    /// <summary>Measures <paramref name="first"/> and <paramref name="second"/> in turns, <paramref name="repeat"/> times each; returns each one's median rate.</summary>
    private static async Task<(double First, double Second)> AlternateAsync(int repeat, int writers, long seconds, Func<Task> first, Func<Task> second)
    {
        var (a, b) = (new List<double>(), new List<double>());
        for (var i = 0; i < repeat; i++)
        {
            a.Add(await RunWritersAsync(writers, seconds, first));
            b.Add(await RunWritersAsync(writers, seconds, second));
        }

        a.Sort();
        b.Sort();
        return (a[a.Count / 2], b[b.Count / 2]);
    }

    /// <summary>Runs <paramref name="writers"/> loops of <paramref name="write"/> for a while; returns completed writes per second.</summary>
    internal static async Task<double> RunWritersAsync(int writers, long seconds, Func<Task> write)
    {
        // A short warm-up opens the pool's connections and compiles the paths.
        using (var warm = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => LoopAsync(write, warm.Token)));
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => LoopAsync(write, stop.Token)));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }

    private static async Task<long> LoopAsync(Func<Task> write, CancellationToken stop)
    {
        var count = 0L;
        while (!stop.IsCancellationRequested)
        {
            await write();
            count++;
        }

        return count;
    }
}
