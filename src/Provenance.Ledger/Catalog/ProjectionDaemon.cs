using Provenance.EventStore;
using Provenance.EventStore.Projections;

namespace Provenance.Ledger.Catalog;

/// <summary>
/// Feeds the asynchronous projections from the log: wakes at once when this instance appends, and
/// polls for other instances' appends. Each batch commits with its checkpoint, so a restart resumes
/// exactly where it stopped. <see cref="WaitForAsync"/> lets a read wait until a projection has
/// reached a position.
/// </summary>
internal sealed partial class ProjectionDaemon(
    IEnumerable<IProjection> projections, ProjectionRunner runner, PostgresEventStore store, ILogger<ProjectionDaemon> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    // #7: appends gather for this long before a batch, unless a read is waiting for the projection.
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);
    private const int BatchSize = 1_000;
    private readonly IReadOnlyList<IProjection> _projections = projections.ToList();
    private readonly Infrastructure.Background.CoalescingWakeup _wake = new(Gather);
    private readonly Dictionary<string, long> _reached = [];
    private readonly Lock _sync = new();

    public IReadOnlyList<IProjection> Projections => _projections;

    /// <summary>Waits until the projection has applied the log up to <paramref name="position"/>, or the timeout passes (false).</summary>
    public async Task<bool> WaitForAsync(string name, long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        _wake.Hurry();
        while (true)
        {
            lock (_sync)
            {
                if (_reached.GetValueOrDefault(name) >= position)
                {
                    return true;
                }
            }

            if (await runner.GetCheckpointAsync(name, cancellationToken) >= position)
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        store.Appended += OnAppended;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var behind = false;
                foreach (var projection in _projections)
                {
                    try
                    {
                        // A full batch means more is waiting: go on at once. Otherwise wait for appends to gather.
                        behind |= await runner.CatchUpOnceAsync(projection, BatchSize, stoppingToken) == BatchSize;
                        var checkpoint = await runner.GetCheckpointAsync(projection.Name, stoppingToken);
                        lock (_sync)
                        {
                            _reached[projection.Name] = checkpoint;
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogFailed(logger, e, projection.Name);
                        await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                    }
                }

                if (!behind)
                {
                    await _wake.WaitAsync(PollInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            store.Appended -= OnAppended;
        }
    }

    private void OnAppended(long position) => _wake.Nudge();

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Error, "Projection {Projection} failed; retrying in 5 s")]
    private static partial void LogFailed(ILogger logger, Exception exception, string projection);
}
