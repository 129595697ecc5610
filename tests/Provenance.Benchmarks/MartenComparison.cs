using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Provenance.Domain.Common;
using Provenance.EventStore;
using Provenance.EventStore.Serialization;
using Provenance.Ledger.Infrastructure.Database;

namespace Provenance.Benchmarks;

/// <summary>
/// #20: Marten 9 as a peer of the ledger's own event store, in the same run, on the same cluster and
/// database, with the same event (a dataset registration with a paragraph of description: about 1 KB of JSON):
/// <list type="number">
/// <item>single-event appends, one event per session (Marten's Quick append mode) against one event per
/// <c>AppendAsync</c>, at 1, 8 and 32 writers, taking turns;</item>
/// <item>100-event appends (a new stream of 100 events per session / per append);</item>
/// <item>the slow transaction: writers keep appending while one transaction appends an event and then holds
/// its commit for a while. Each store's own asynchronous consumer follows the log (ours: reading by position,
/// as a projection does; Marten's: its async daemon with a projection): how long the consumer saw nothing
/// new, whether it skipped a committed event or saw one out of order, and what the writers managed meanwhile.</item>
/// </list>
/// Run it on a database of its own.
/// </summary>
internal static class MartenComparison
{
    private const string MartenSchema = "marten_bench";

    private static string MartenConnection { get; set; } = "";

    public static async Task<int> RunAsync(Arguments options)
    {
        var connection = options.Required("connection");
        var owner = options.Optional("migrations-connection") ?? connection;
        var seconds = options.Number("seconds", 10);
        var repeat = (int)options.Number("repeat", 3);
        var writerCounts = (options.Optional("writers") ?? "1,8,32").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToList();
        var batchWriters = (options.Optional("batch-writers") ?? "1,4").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToList();
        var hold = TimeSpan.FromSeconds(options.Number("hold-seconds", 10));
        var stallWriters = (int)options.Number("stall-writers", 32);
        var pool = Math.Max(writerCounts.Max(), stallWriters) + 8;

        await using var app = ServiceHost.Build(new NpgsqlConnectionStringBuilder(connection) { MaxPoolSize = pool }.ConnectionString, owner);
        await app.Services.GetServices<IHostedService>().OfType<MigrationHostedService>().Single().StartAsync(CancellationToken.None);
        var ours = app.Services.GetRequiredService<PostgresEventStore>();
        var serializer = app.Services.GetRequiredService<EventSerializer>();
        var metadata = new EventMetadata("benchmark", "admin", "marten-comparison");

        // Marten creates and alters its own tables, so it connects as the owner (the ledger's run-time role could not).
        var seen = new MartenConsumer();
        MartenConnection = new NpgsqlConnectionStringBuilder(owner) { MaxPoolSize = pool }.ConnectionString;
        await using var marten = DocumentStore.For(o =>
        {
            o.Connection(MartenConnection);
            o.DatabaseSchemaName = MartenSchema;
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.Events.AppendMode = EventAppendMode.Quick;
            o.Events.AddEventType<Provenance.Domain.Datasets.RegisteringDataset.DatasetRegistered>();
            o.Events.AddEventType<Provenance.Domain.Datasets.ContributingVersion.DatasetVersionContributed>();
            o.Projections.Add(seen, ProjectionLifecycle.Async);
        });
        await marten.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var payload = serializer.Serialize(Event(Guid.NewGuid())).Json;
        Console.WriteLine($"Payload: {payload.Length} bytes of JSON per event (ours); Marten {MartenPayloadBytes(marten)} bytes.");
        Report.Result("marten.payload_bytes", payload.Length);

        foreach (var writers in writerCounts)
        {
            var (own, theirs) = await AlternateAsync(repeat, writers, seconds,
                async () => await ours.AppendAsync(Guid.CreateVersion7(), StreamTypes.Dataset, ExpectedVersion.NoStream, [Event(Guid.CreateVersion7())], metadata),
                async () =>
                {
                    await using var session = marten.LightweightSession();
                    var id = Guid.CreateVersion7();
                    session.Events.StartStream(id, Event(id));
                    await session.SaveChangesAsync();
                });
            Console.WriteLine($"{writers,2} writers, one event per append: ours {own:N0}/s, Marten {theirs:N0}/s, ratio {own / theirs:0.00}");
            Report.Result($"marten.single.w{writers}.ours_per_s", own);
            Report.Result($"marten.single.w{writers}.marten_per_s", theirs);
            Report.Result($"marten.single.w{writers}.ratio", own / theirs);
        }

        const int batch = 100;
        foreach (var writers in batchWriters)
        {
            var (own, theirs) = await AlternateAsync(repeat, writers, seconds,
                async () =>
                {
                    var id = Guid.CreateVersion7();
                    await ours.AppendAsync(id, StreamTypes.Dataset, ExpectedVersion.NoStream, Batch(id, batch), metadata);
                },
                async () =>
                {
                    await using var session = marten.LightweightSession();
                    var id = Guid.CreateVersion7();
                    session.Events.StartStream(id, Batch(id, batch));
                    await session.SaveChangesAsync();
                });
            Console.WriteLine($"{writers,2} writers, {batch} events per append: ours {own * batch:N0} events/s, Marten {theirs * batch:N0} events/s, ratio {own / theirs:0.00}");
            Report.Result($"marten.batched.w{writers}.ours_per_s", own * batch);
            Report.Result($"marten.batched.w{writers}.marten_per_s", theirs * batch);
            Report.Result($"marten.batched.w{writers}.ratio", own / theirs);
        }

        var ourStall = await OursSlowTransactionAsync(ours, serializer, metadata, owner, stallWriters, hold);
        ourStall.Report("ours");
        var theirStall = await MartenSlowTransactionAsync(marten, seen, stallWriters, hold);
        theirStall.Report("marten");
        return 0;
    }

    private static int MartenPayloadBytes(DocumentStore marten) =>
        marten.Options.Serializer().ToJson(Event(Guid.NewGuid())).Length;

    // About 1 KB of JSON per event, as a registration with a paragraph of description is.
    private static readonly string Description =
        "A registration appended by the Marten comparison. " + string.Concat(Enumerable.Repeat("Structured EHR extract, de-identified under Safe Harbor; ", 11));

    private static Provenance.Domain.Datasets.RegisteringDataset.DatasetRegistered Event(Guid id) =>
        AppendThroughput.Event(id) with { Description = Description };

    private static object[] Batch(Guid id, int size)
    {
        var events = new object[size];
        events[0] = Event(id);
        for (var i = 1; i < size; i++)
        {
            events[i] = AppendThroughput.Version(id, i);
        }

        return events;
    }

    private static async Task<(double First, double Second)> AlternateAsync(int repeat, int writers, long seconds, Func<Task> first, Func<Task> second)
    {
        var (a, b) = (new List<double>(), new List<double>());
        for (var i = 0; i < repeat; i++)
        {
            a.Add(await AppendThroughput.RunWritersAsync(writers, seconds, first));
            b.Add(await AppendThroughput.RunWritersAsync(writers, seconds, second));
        }

        a.Sort();
        b.Sort();
        return (a[a.Count / 2], b[b.Count / 2]);
    }

    /// <summary>
    /// Ours: the slow transaction calls the same <c>append_batch</c> the store calls, in a transaction it
    /// holds open. The consumer reads the log by position, as the asynchronous projections do.
    /// </summary>
    private static async Task<StallOutcome> OursSlowTransactionAsync(
        PostgresEventStore store, EventSerializer serializer, EventMetadata metadata, string owner, int writers, TimeSpan hold)
    {
        var start = await store.GetHeadPositionAsync();
        var consumer = new PositionConsumer();
        using var stop = new CancellationTokenSource();
        var following = Task.Run(() => FollowOursAsync(store, start, consumer, stop.Token));
        var slow = new SlowTransaction();
        var load = await RunWithSlowTransactionAsync(writers, hold, slow,
            async () => (await store.AppendAsync(Guid.CreateVersion7(), StreamTypes.Dataset, ExpectedVersion.NoStream, [Event(Guid.CreateVersion7())], metadata)).LastPosition,
            async () =>
            {
                var id = Guid.CreateVersion7();
                var (type, json) = serializer.Serialize(Event(id));
                await using var connection = new NpgsqlConnection(owner);
                await connection.OpenAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var append = new NpgsqlCommand(
                    "SELECT outcome, last_position FROM provenance.append_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", connection, transaction))
                {
                    append.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [id] });
                    append.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [StreamTypes.Dataset] });
                    append.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [ExpectedVersion.NoStream.Value] });
                    append.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [1] });
                    append.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = new string?[] { null } });
                    append.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = new byte[]?[] { null } });
                    append.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = new string?[] { null } });
                    append.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [1] });
                    append.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [Guid.CreateVersion7()] });
                    append.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [type.Name] });
                    append.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [type.SchemaVersion] });
                    append.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [json], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
                    append.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [serializer.SerializeMetadata(metadata)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
                    await using var reader = await append.ExecuteReaderAsync();
                    await reader.ReadAsync();
                    slow.Sequence = reader.GetInt64(1);
                }

                slow.Appended = Stopwatch.GetTimestamp();
                await Task.Delay(hold);
                await transaction.CommitAsync();
                slow.Committed = Stopwatch.GetTimestamp();
            });

        var end = await store.GetHeadPositionAsync();
        await consumer.WaitForAsync(end - start, TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await following;
        var committed = new List<long>();
        await foreach (var e in store.ReadAllAsync(start, checked((int)(end - start))))
        {
            committed.Add(e.Position);
        }

        return consumer.Outcome(committed, load, slow);
    }

    private static async Task FollowOursAsync(PostgresEventStore store, long after, PositionConsumer consumer, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var read = 0;
            await foreach (var e in store.ReadAllAsync(after, 1_000, CancellationToken.None))
            {
                consumer.Saw(e.Position);
                after = e.Position;
                read++;
            }

            if (read == 0)
            {
                try
                {
                    await Task.Delay(20, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Marten: the slow transaction is a session on a transaction the benchmark holds open; the consumer is the async daemon.</summary>
    private static async Task<StallOutcome> MartenSlowTransactionAsync(DocumentStore marten, MartenConsumer seen, int writers, TimeSpan hold)
    {
        var start = await HighestSequenceAsync(marten);
        seen.Reset(start);
        using var daemon = await marten.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        var slow = new SlowTransaction();
        var load = await RunWithSlowTransactionAsync(writers, hold, slow,
            async () =>
            {
                await using var session = marten.LightweightSession();
                var id = Guid.CreateVersion7();
                var stream = session.Events.StartStream(id, Event(id));
                await session.SaveChangesAsync();
                return stream.Events[0].Sequence;
            },
            async () =>
            {
                await using var connection = new NpgsqlConnection(MartenConnection);
                await connection.OpenAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var session = marten.LightweightSession(Marten.Services.SessionOptions.ForTransaction(transaction, false)))
                {
                    var id = Guid.CreateVersion7();
                    var started = session.Events.StartStream(id, Event(id));
                    await session.SaveChangesAsync();
                    slow.Sequence = started.Events[0].Sequence;
                }

                // The event is written, not committed: no other connection may see it yet.
                await using (var other = new NpgsqlConnection(MartenConnection))
                {
                    await other.OpenAsync();
                    await using var visible = new NpgsqlCommand($"SELECT count(*) FROM {MartenSchema}.mt_events WHERE seq_id = $1", other);
                    visible.Parameters.Add(new NpgsqlParameter<long> { TypedValue = slow.Sequence });
                    if ((long)(await visible.ExecuteScalarAsync())! != 0 || slow.Sequence == 0)
                    {
                        throw new InvalidOperationException($"The held Marten event (sequence {slow.Sequence}) is visible before its commit.");
                    }
                }

                slow.Appended = Stopwatch.GetTimestamp();
                await Task.Delay(hold);
                await transaction.CommitAsync();
                slow.Committed = Stopwatch.GetTimestamp();
            });

        var committed = await CommittedSequencesAsync(marten, start);
        await seen.Consumer.WaitForAsync(committed.Count, TimeSpan.FromSeconds(30));
        await daemon.StopAllAsync();
        return seen.Consumer.Outcome(committed, load, slow);
    }

    private static async Task<long> HighestSequenceAsync(DocumentStore marten)
    {
        await using var connection = new NpgsqlConnection(MartenConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT coalesce(max(seq_id), 0) FROM {MartenSchema}.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<long>> CommittedSequencesAsync(DocumentStore marten, long after)
    {
        await using var connection = new NpgsqlConnection(MartenConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT seq_id FROM {MartenSchema}.mt_events WHERE seq_id > $1 ORDER BY seq_id", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        var sequences = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sequences.Add(reader.GetInt64(0));
        }

        return sequences;
    }

    /// <summary>
    /// Writers for twice the hold; after the first quarter of the hold, the slow transaction. Returns when each
    /// write completed (by the position it was given) and how long each took.
    /// </summary>
    private static async Task<LoadOutcome> RunWithSlowTransactionAsync(int writers, TimeSpan hold, SlowTransaction slow, Func<Task<long>> write, Func<Task> slowWrite)
    {
        var total = hold * 2;
        var completions = new ConcurrentQueue<(long Position, long Started, long Completed)>();
        using var stop = new CancellationTokenSource(total);
        var started = Stopwatch.GetTimestamp();
        var loops = Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var begun = Stopwatch.GetTimestamp();
                var position = await write();
                completions.Enqueue((position, begun, Stopwatch.GetTimestamp()));
            }
        })).ToList();
        await Task.Delay(hold / 4);
        await slowWrite();
        await Task.WhenAll(loops);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var during = completions.Count(c => c.Completed >= slow.Appended && c.Completed <= slow.Committed);
        var window = Stopwatch.GetElapsedTime(slow.Appended, slow.Committed).TotalSeconds;
        var longestWrite = completions.Max(c => Stopwatch.GetElapsedTime(c.Started, c.Completed).TotalSeconds);
        return new LoadOutcome(completions.Count / elapsed, during / window, longestWrite, completions.ToDictionary(c => c.Position, c => c.Completed));
    }

    private sealed class SlowTransaction
    {
        public long Sequence { get; set; }

        public long Appended { get; set; }

        public long Committed { get; set; }
    }

    private sealed record LoadOutcome(double EventsPerSecond, double EventsPerSecondWhileHeld, double LongestWriteSeconds, IReadOnlyDictionary<long, long> CompletedAt);

    private sealed record StallOutcome(
        double LongestLagSeconds, double HeldEventDelaySeconds, int Committed, int Seen, int Skipped, int OutOfOrder, bool HeldEventSeen, LoadOutcome Load)
    {
        public void Report(string store)
        {
            Console.WriteLine($"Slow transaction, {store}: writers {Load.EventsPerSecond:N0} events/s overall, {Load.EventsPerSecondWhileHeld:N0} events/s while it was held, " +
                $"the longest write {Load.LongestWriteSeconds:0.00} s; the consumer saw a committed event up to {LongestLagSeconds:0.00} s after its commit; " +
                $"{Seen} of {Committed} committed events seen, {Skipped} skipped, {OutOfOrder} out of order; the held event " +
                (HeldEventSeen ? $"seen {HeldEventDelaySeconds:0.00} s after its commit" : "NEVER seen"));
            Benchmarks.Report.Result($"stall.{store}.consumer_lag_s", LongestLagSeconds);
            Benchmarks.Report.Result($"stall.{store}.longest_write_s", Load.LongestWriteSeconds);
            Benchmarks.Report.Result($"stall.{store}.committed", Committed);
            Benchmarks.Report.Result($"stall.{store}.skipped", Skipped);
            Benchmarks.Report.Result($"stall.{store}.out_of_order", OutOfOrder);
            Benchmarks.Report.Result($"stall.{store}.held_event_seen", HeldEventSeen ? "yes" : "no");
            Benchmarks.Report.Result($"stall.{store}.writes_per_s", Load.EventsPerSecond);
            Benchmarks.Report.Result($"stall.{store}.writes_per_s_while_held", Load.EventsPerSecondWhileHeld);
        }
    }

    /// <summary>What a consumer saw, in the order it saw it, and when it last made progress.</summary>
    private sealed class PositionConsumer
    {
        private readonly Lock _gate = new();
        private readonly List<(long Position, long At)> _seen = [];

        public void Saw(long position)
        {
            lock (_gate)
            {
                _seen.Add((position, Stopwatch.GetTimestamp()));
            }
        }

        public async Task WaitForAsync(int count, TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                lock (_gate)
                {
                    if (_seen.Count >= count)
                    {
                        return;
                    }
                }

                await Task.Delay(50);
            }
        }

        public async Task WaitForAsync(long count, TimeSpan timeout) => await WaitForAsync(checked((int)count), timeout);

        public StallOutcome Outcome(IReadOnlyList<long> committed, LoadOutcome load, SlowTransaction slow)
        {
            lock (_gate)
            {
                var seenSet = _seen.Select(s => s.Position).ToHashSet();
                var outOfOrder = 0;
                var highest = long.MinValue;
                foreach (var (position, _) in _seen)
                {
                    if (position < highest)
                    {
                        outOfOrder++;
                    }

                    highest = Math.Max(highest, position);
                }

                // How long after its write completed (its commit) the consumer saw each event.
                var lag = _seen.Where(x => load.CompletedAt.ContainsKey(x.Position))
                    .Select(x => Math.Max(0, Stopwatch.GetElapsedTime(load.CompletedAt[x.Position], x.At).TotalSeconds))
                    .DefaultIfEmpty(0).Max();
                var held = _seen.FindIndex(x => x.Position == slow.Sequence);
                var heldDelay = held < 0 ? double.NaN : Stopwatch.GetElapsedTime(slow.Committed, _seen[held].At).TotalSeconds;
                return new StallOutcome(lag, heldDelay, committed.Count, seenSet.Count, committed.Count(c => !seenSet.Contains(c)), outOfOrder,
                    held >= 0, load);
            }
        }
    }

    /// <summary>Marten's async projection: records each event's sequence as the daemon hands it over.</summary>
    private sealed class MartenConsumer : IProjection
    {
        private long _after;

        public PositionConsumer Consumer { get; private set; } = new();

        public void Reset(long after)
        {
            _after = after;
            Consumer = new PositionConsumer();
        }

        public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
        {
            foreach (var e in events.Where(e => e.Sequence > _after))
            {
                Consumer.Saw(e.Sequence);
            }

            return Task.CompletedTask;
        }
    }
}
