using Microsoft.Extensions.Logging;
using Npgsql;

namespace Provenance.EventStore.Background;

/// <summary>How a <see cref="LogDaemon"/> polls and retries.</summary>
public sealed record LogDaemonOptions
{
    /// <summary>The safety poll while notifications arrive (they may be missed while the listening connection is re-established).</summary>
    public TimeSpan ListeningPoll { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The poll while the listening connection is down.</summary>
    public TimeSpan FallbackPoll { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a failing batch, or a failed listening connection, waits before trying again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Where a follower stands, as this instance last saw it.</summary>
/// <param name="Name">The follower's name.</param>
/// <param name="Position">The log position it had reached when last looked at (by this instance's daemon or a reader's wait).</param>
/// <param name="LastError">The error of its last batch, or null when that batch succeeded.</param>
/// <param name="LastErrorAt">When that error happened.</param>
public sealed record FollowerStatus(string Name, long Position, string? LastError, DateTimeOffset? LastErrorAt);

/// <summary>
/// Runs the background work that follows the log (<see cref="ILogFollower"/>s: the asynchronous
/// projections and the Merkle tree), every follower in the same loop on its own task. A follower
/// wakes when an append commits: at once for this instance's appends, and through the PostgreSQL
/// notification that every commit moving the log's head sends on <c>'&lt;schema&gt;.log'</c> for
/// other instances' (migration 0007). It then lets appends gather for its
/// <see cref="ILogFollower.Gather"/> and runs a batch, again at once while batches come back full.
/// A slow safety poll covers notifications missed while the listening connection was being
/// re-established. A reader that needs a follower to reach a position calls
/// <see cref="WaitForAsync"/>, which cuts the gathering short and waits without polling. Every
/// delay runs on the given <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class LogDaemon
{
    // How long the listening connection waits for a notification before it checks that the server is still there.
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Lane> _lanes;
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresEventStore _store;
    private readonly string _channel;
    private readonly TimeProvider _clock;
    private readonly ILogger<LogDaemon> _logger;
    private readonly LogDaemonOptions _settings;
    private volatile bool _listening;

    /// <summary>A daemon for <paramref name="followers"/> over the store's database.</summary>
    public LogDaemon(
        IEnumerable<ILogFollower> followers, NpgsqlDataSource dataSource, PostgresEventStore store, EventStoreOptions options, TimeProvider clock,
        ILogger<LogDaemon> logger, LogDaemonOptions? settings = null)
    {
        ArgumentNullException.ThrowIfNull(followers);
        ArgumentNullException.ThrowIfNull(options);
        _clock = clock;
        _lanes = followers.ToDictionary(f => f.Name, f => new Lane(f, clock), StringComparer.Ordinal);
        Followers = [.. _lanes.Values.Select(l => l.Follower)];
        _dataSource = dataSource;
        _store = store;
        _channel = SqlIdentifier.Quote(options.Schema + ".log");
        _logger = logger;
        _settings = settings ?? new LogDaemonOptions();
    }

    /// <summary>The followers this daemon runs.</summary>
    public IReadOnlyList<ILogFollower> Followers { get; }

    /// <summary>Whether the listening connection is up (otherwise the followers poll every <see cref="LogDaemonOptions.FallbackPoll"/>).</summary>
    public bool IsListening => _listening;

    /// <summary>Each follower's standing, as this instance last saw it.</summary>
    public IReadOnlyList<FollowerStatus> Statuses => [.. _lanes.Values.Select(l => l.Status())];

    /// <summary>Runs every follower, and the listening connection, until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        _store.Appended += OnAppended;
        try
        {
            await Task.WhenAll([ListenAsync(stoppingToken), .. _lanes.Values.Select(l => FollowAsync(l, stoppingToken))]).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _store.Appended -= OnAppended;
        }
    }

    /// <summary>
    /// Waits until the follower <paramref name="name"/> has reached <paramref name="position"/>, or
    /// <paramref name="timeout"/> has passed, and returns the position it has reached: at least
    /// <paramref name="position"/> unless the wait timed out. Works whether or not this instance runs
    /// the daemon (another instance's may be moving the follower): it reads the stored position
    /// before waiting and once more at the end.
    /// </summary>
    public async Task<long> WaitForAsync(string name, long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var lane = _lanes.TryGetValue(name, out var found) ? found : throw new ArgumentException($"No follower is named '{name}'.", nameof(name));
        if (lane.Reached >= position)
        {
            return lane.Reached;
        }

        lane.Publish(await lane.Follower.GetPositionAsync(cancellationToken).ConfigureAwait(false));
        if (lane.Reached >= position || timeout <= TimeSpan.Zero)
        {
            return lane.Reached;
        }

        var waiter = lane.Await(position);
        lane.Wakeup.Hurry();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timedOut = Task.Delay(timeout, _clock, stop.Token);
        var first = await Task.WhenAny(waiter.Task, timedOut).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (first == waiter.Task)
        {
            return await waiter.Task.ConfigureAwait(false);
        }

        lane.Forget(waiter);
        lane.Publish(await lane.Follower.GetPositionAsync(cancellationToken).ConfigureAwait(false));
        return lane.Reached;
    }

    private async Task FollowAsync(Lane lane, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = await lane.Follower.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                lane.Publish(await lane.Follower.GetPositionAsync(stoppingToken).ConfigureAwait(false));
                lane.Succeeded();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lane.Failed(e);
                LogFailed(_logger, e, lane.Follower.Name, _settings.RetryDelay.TotalSeconds);
                await Task.Delay(_settings.RetryDelay, _clock, stoppingToken).ConfigureAwait(false);
                continue;
            }

            if (!more)
            {
                var poll = _listening ? _settings.ListeningPoll : _settings.FallbackPoll;
                if (lane.Follower.NextRunAt is { } due)
                {
                    poll = TimeSpan.FromTicks(Math.Clamp((due - _clock.GetUtcNow()).Ticks, 0, poll.Ticks));
                }

                await lane.Wakeup.WaitAsync(poll, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, _) => NudgeAll();
                    await ExecuteAsync(connection, $"LISTEN {_channel}", stoppingToken).ConfigureAwait(false);
                    _listening = true;
                    NudgeAll(); // appends may have committed while nobody listened
                    try
                    {
                        while (true)
                        {
                            if (!await connection.WaitAsync(KeepAlive, stoppingToken).ConfigureAwait(false))
                            {
                                await ExecuteAsync(connection, "SELECT 1", stoppingToken).ConfigureAwait(false);
                            }
                        }
                    }
                    finally
                    {
                        _listening = false;
                        if (connection.State == System.Data.ConnectionState.Open)
                        {
                            // The connection goes back to the pool: it must not keep listening there.
                            await ExecuteAsync(connection, "UNLISTEN *", CancellationToken.None).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogListenFailed(_logger, e, _settings.RetryDelay.TotalSeconds, _settings.FallbackPoll.TotalMilliseconds);
                await Task.Delay(_settings.RetryDelay, _clock, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnAppended(long position) => NudgeAll();

    private void NudgeAll()
    {
        foreach (var lane in _lanes.Values)
        {
            lane.Wakeup.Nudge();
        }
    }

    [LoggerMessage(LogLevel.Error, "Background work {Follower} failed; retrying in {RetrySeconds} s")]
    private static partial void LogFailed(ILogger logger, Exception exception, string follower, double retrySeconds);

    [LoggerMessage(LogLevel.Warning, "Listening for appends failed; retrying in {RetrySeconds} s, polling every {PollMs} ms meanwhile")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double retrySeconds, double pollMs);

    /// <summary>One follower's wake-up, the position it has reached, the readers waiting for one, and its last error.</summary>
    private sealed class Lane(ILogFollower follower, TimeProvider clock)
    {
        private readonly Lock _sync = new();
        private readonly List<(long Position, TaskCompletionSource<long> Reached)> _waiters = [];
        private long _reached;
        private (string Message, DateTimeOffset At)? _error;

        public ILogFollower Follower { get; } = follower;

        public Wakeup Wakeup { get; } = new(clock, follower.Gather);

        public long Reached => Interlocked.Read(ref _reached);

        public void Publish(long position)
        {
            List<(long, TaskCompletionSource<long>)> done;
            lock (_sync)
            {
                if (position <= _reached)
                {
                    return;
                }

                Interlocked.Exchange(ref _reached, position);
                done = _waiters.Where(w => w.Position <= position).ToList();
                _waiters.RemoveAll(w => w.Position <= position);
            }

            foreach (var (_, waiter) in done)
            {
                waiter.TrySetResult(position);
            }
        }

        public TaskCompletionSource<long> Await(long position)
        {
            var waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_sync)
            {
                if (_reached >= position)
                {
                    waiter.TrySetResult(_reached);
                }
                else
                {
                    _waiters.Add((position, waiter));
                }
            }

            return waiter;
        }

        public void Forget(TaskCompletionSource<long> waiter)
        {
            lock (_sync)
            {
                _waiters.RemoveAll(w => w.Reached == waiter);
            }
        }

        public void Succeeded()
        {
            lock (_sync)
            {
                _error = null;
            }
        }

        public void Failed(Exception e)
        {
            lock (_sync)
            {
                _error = (e.GetType().Name + ": " + e.Message, clock.GetUtcNow());
            }
        }

        public FollowerStatus Status()
        {
            lock (_sync)
            {
                return new FollowerStatus(Follower.Name, _reached, _error?.Message, _error?.At);
            }
        }
    }
}
