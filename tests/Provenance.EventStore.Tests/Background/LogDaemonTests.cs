using Microsoft.Extensions.Logging.Abstractions;
using Provenance.EventStore.Background;
using Provenance.EventStore.Tests.Integrity;
using Provenance.Testing;

namespace Provenance.EventStore.Tests.Background;

/// <summary>
/// #15: the one daemon that runs the work following the log. It wakes on PostgreSQL notifications
/// (not by polling the database), answers a reader waiting for a position without polling, says how
/// far a follower got when the wait times out, and reports a failing batch until one succeeds.
/// </summary>
public sealed class LogDaemonTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    // No poll that could hide a missing wake-up: a follower runs again only when woken.
    private static readonly LogDaemonOptions NoPolling = new()
    {
        ListeningPoll = TimeSpan.FromHours(1),
        FallbackPoll = TimeSpan.FromHours(1),
        RetryDelay = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task An_append_through_another_instance_wakes_the_daemon_through_a_database_notification()
    {
        var follower = new HeadFollower(db.Store);
        var daemon = new LogDaemon([follower], db.AppDataSource, db.Store, new EventStoreOptions(), TimeProvider.System, NullLogger<LogDaemon>.Instance, NoPolling);
        using var stop = new CancellationTokenSource();
        var running = daemon.RunAsync(stop.Token);
        await Eventually.HoldsAsync(() => Task.FromResult(daemon.IsListening && follower.Runs > 0), "the daemon listens and ran once");

        // Another store object: its appends raise no in-process event this daemon hears.
        var otherInstance = db.CreateStore();
        await TreeTesting.AppendAsync(otherInstance, 3);
        var head = await otherInstance.GetHeadPositionAsync();

        await Eventually.HoldsAsync(() => Task.FromResult(daemon.Statuses.Single().Position >= head),
            "the follower ran after the other instance's append", TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_reader_waiting_for_a_position_is_answered_when_the_follower_reaches_it()
    {
        var follower = new HeadFollower(db.Store) { Gather = TimeSpan.FromHours(1) };
        var daemon = new LogDaemon([follower], db.AppDataSource, db.Store, new EventStoreOptions(), TimeProvider.System, NullLogger<LogDaemon>.Instance, NoPolling);
        using var stop = new CancellationTokenSource();
        var running = daemon.RunAsync(stop.Token);
        await Eventually.HoldsAsync(() => Task.FromResult(follower.Runs > 0), "the daemon ran once");
        await TreeTesting.AppendAsync(db.Store, 2);
        var head = await db.Store.GetHeadPositionAsync();

        // The append nudged the follower, which now gathers for an hour: only the reader's hurry runs it.
        var reached = await daemon.WaitForAsync(follower.Name, head, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.True(reached >= head, $"reached {reached}, head {head}");
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_wait_that_times_out_says_how_far_the_follower_got()
    {
        var follower = new HeadFollower(db.Store);
        var daemon = new LogDaemon([follower], db.AppDataSource, db.Store, new EventStoreOptions(), TimeProvider.System, NullLogger<LogDaemon>.Instance, NoPolling);
        await TreeTesting.AppendAsync(db.Store, 1);
        var head = await db.Store.GetHeadPositionAsync();

        // Not running: nothing moves the follower.
        var reached = await daemon.WaitForAsync(follower.Name, head, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Equal(0, reached);
    }

    [Fact]
    public async Task A_failing_batch_is_reported_until_a_batch_succeeds()
    {
        var follower = new HeadFollower(db.Store) { FailuresLeft = 3 };
        var daemon = new LogDaemon([follower], db.AppDataSource, db.Store, new EventStoreOptions(), TimeProvider.System, NullLogger<LogDaemon>.Instance, NoPolling);
        using var stop = new CancellationTokenSource();
        var running = daemon.RunAsync(stop.Token);

        var failing = await Eventually.ReturnsAsync(() => Task.FromResult(daemon.Statuses.Single()), s => s.LastError is not null, "a failure is reported");
        Assert.Contains("batch 1 failed", failing.LastError, StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => Task.FromResult(follower.Runs > 3 && daemon.Statuses.Single().LastError is null), "a retry succeeds and clears it");
        await stop.CancelAsync();
        await running;
    }

    /// <summary>A follower whose batch "reaches" the log's head as it stands when the batch runs.</summary>
    private sealed class HeadFollower(PostgresEventStore store) : ILogFollower
    {
        private long _position;
        private int _runs;

        public string Name => "head-follower";

        public TimeSpan Gather { get; init; } = TimeSpan.Zero;

        public int FailuresLeft { get; set; }

        public int Runs => Volatile.Read(ref _runs);

        public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
        {
            var run = Interlocked.Increment(ref _runs);
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new InvalidOperationException($"batch {run} failed");
            }

            Interlocked.Exchange(ref _position, await store.GetHeadPositionAsync(cancellationToken));
            return false;
        }

        public Task<long> GetPositionAsync(CancellationToken cancellationToken) => Task.FromResult(Interlocked.Read(ref _position));
    }
}
