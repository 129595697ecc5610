using Microsoft.Extensions.Options;
using Provenance.EventStore.Background;
using Provenance.EventStore.Integrity;

namespace Provenance.Ledger.Integrity;

/// <summary>
/// Keeps the Merkle tree level with the log, the stream index level with the tree, and signs
/// checkpoints, as a follower of the log: each batch integrates new events, and every <c>CheckpointInterval</c> the tree head is signed when
/// the tree grew since the latest checkpoint.
/// </summary>
internal sealed class IntegrityFollower(
    MerkleIntegrator integrator, StreamIndexService index, CheckpointService checkpoints, IOptions<IntegrityOptions> options, TimeProvider clock)
    : ILogFollower
{
    public const string FollowerName = "merkle-tree";

    private DateTimeOffset _nextCheckpoint = DateTimeOffset.MinValue;

    public string Name => FollowerName;

    // #7: appends gather for this long before a batch is integrated (a checkpoint catches up by itself).
    public TimeSpan Gather { get; } = TimeSpan.FromMilliseconds(100);

    // The periodic checkpoint is due then, appends or not.
    public DateTimeOffset? NextRunAt => _nextCheckpoint;

    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        var batchSize = options.Value.IntegrationBatchSize;
        using var activity = LedgerTelemetry.Source.StartActivity("provenance.integrate");
        var batch = await integrator.IntegrateOnceAsync(batchSize, cancellationToken);
        activity?.SetTag("provenance.batch.events", batch.Integrated);
        activity?.SetTag("provenance.tree.size", batch.Head.Size);
        var full = batch.Integrated == batchSize;
        // #16: the stream index follows the tree, so a checkpoint finds it (nearly) level.
        await index.CatchUpAsync(batch.Head.Size, cancellationToken);
        if (clock.GetUtcNow() >= _nextCheckpoint)
        {
            _nextCheckpoint = clock.GetUtcNow() + options.Value.CheckpointInterval;
            await checkpoints.CheckpointIfGrownAsync(cancellationToken);
        }

        // #22: the index's root is kept between checkpoints and updated where streams changed. After a
        // start, when no checkpoint has computed it (the log did not grow), it is computed once in full
        // here, so neither the next checkpoint nor an export (which checks the root its checkpoint
        // signed) waits for the whole computation.
        await index.KeepRootAsync(cancellationToken);

        return full;
    }

    public async Task<long> GetPositionAsync(CancellationToken cancellationToken) => (await integrator.GetTreeHeadAsync(cancellationToken)).Size;
}
