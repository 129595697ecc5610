using Microsoft.Extensions.Options;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;

namespace Provenance.Ledger.Integrity;

/// <summary>
/// Keeps the Merkle tree level with the log and signs checkpoints: integrates new events in batches
/// (woken at once by this instance's appends, polling for other instances'), and every
/// <c>CheckpointInterval</c> signs the tree head when the tree grew since the latest checkpoint.
/// </summary>
internal sealed partial class IntegrityDaemon(
    MerkleIntegrator integrator,
    CheckpointService checkpoints,
    SigningKey signingKey,
    PostgresEventStore store,
    IOptions<IntegrityOptions> options,
    TimeProvider clock,
    ILogger<IntegrityDaemon> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    // #7: appends gather for this long before a batch is integrated (a checkpoint catches up by itself).
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(100);
    private readonly Infrastructure.Background.CoalescingWakeup _wake = new(Gather);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Load the key now, so an unreadable or malformed key stops the service before it listens.
        _ = signingKey.Signer;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var nextCheckpoint = clock.GetUtcNow();
        store.Appended += OnAppended;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var behind = false;
                try
                {
                    // A full batch means more is waiting: go on at once. Otherwise wait for appends to gather.
                    behind = (await integrator.IntegrateOnceAsync(settings.IntegrationBatchSize, stoppingToken)).Integrated == settings.IntegrationBatchSize;
                    if (clock.GetUtcNow() >= nextCheckpoint)
                    {
                        nextCheckpoint = clock.GetUtcNow() + settings.CheckpointInterval;
                        await checkpoints.CheckpointIfGrownAsync(stoppingToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e, RetryDelay.TotalSeconds);
                    await Task.Delay(RetryDelay, clock, stoppingToken);
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

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    // One pending wake-up is enough: a batch reads everything appended since.
    private void OnAppended(long position) => _wake.Nudge();

    [LoggerMessage(LogLevel.Error, "Merkle tree integration or checkpoint signing failed; retrying in {RetrySeconds} s")]
    private static partial void LogFailed(ILogger logger, Exception exception, double retrySeconds);
}
