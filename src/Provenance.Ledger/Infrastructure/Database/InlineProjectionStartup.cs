using Provenance.EventStore;
using Provenance.EventStore.Projections;

namespace Provenance.Ledger.Infrastructure.Database;

/// <summary>
/// Before the server listens, brings every inline projection level with the log. An inline
/// projection moves its checkpoint with every append, so a checkpoint behind the head means the
/// projection is new (its migration just created its tables over an existing log) or was emptied:
/// it is rebuilt from the log once, here, and inline appends keep it level from then on.
/// </summary>
internal sealed partial class InlineProjectionStartup(PostgresEventStore store, ProjectionRunner runner, ILogger<InlineProjectionStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var head = await store.GetHeadPositionAsync(cancellationToken);
        foreach (var projection in store.InlineProjections)
        {
            var checkpoint = await runner.GetCheckpointAsync(projection.Name, cancellationToken);
            if (checkpoint < head)
            {
                var replayed = await runner.RebuildAsync(projection, cancellationToken: cancellationToken);
                LogRebuilt(logger, projection.Name, checkpoint, replayed);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Inline projection {Projection} was behind the log (at {Checkpoint}); rebuilt from {Replayed} events")]
    private static partial void LogRebuilt(ILogger logger, string projection, long checkpoint, long replayed);
}
