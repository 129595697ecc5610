using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.StreamIndex;
using Provenance.Ledger.Integrity;
using Provenance.Scenarios;

namespace Provenance.Ledger.Tests.Integrity;

/// <summary>
/// #22: after a start, the integrity follower computes the stream index's root once, so the first
/// checkpoint or export after it finds the root kept, even when the log has not grown since the
/// last checkpoint (nothing to sign, so signing would not compute it).
/// </summary>
public sealed class StreamIndexRootAfterStartTests(SliceFixture ledger) : IClassFixture<SliceFixture>
{
    [Fact]
    public async Task The_follower_keeps_the_root_at_its_first_run_after_a_start_even_with_nothing_to_sign()
    {
        var store = ledger.Service<PostgresEventStore>();
        var checkpoints = ledger.Service<CheckpointService>();
        var metadata = new EventMetadata("scenario-generator", "admin", "root-after-start-test");
        var generator = new ScenarioGenerator(22, 3_000, new FlagshipShape(5, 3));
        foreach (var append in generator.Generate())
        {
            await append.AppendToAsync(store, metadata);
        }

        var signed = (await checkpoints.CheckpointLogHeadAsync(CancellationToken.None)).Checkpoint;

        // A start: an index that holds nothing yet, beside the checkpoint already signed at the log's head.
        using var index = new StreamIndexService(store, NullLogger<StreamIndexService>.Instance);
        var follower = new IntegrityFollower(
            ledger.Service<MerkleIntegrator>(), index, checkpoints, ledger.Service<IOptions<IntegrityOptions>>(), TimeProvider.System);
        Assert.Null(index.RootKeptAt);

        await follower.RunOnceAsync(CancellationToken.None);

        Assert.Equal(signed.TreeSize, index.Position);
        Assert.Equal(signed.TreeSize, index.RootKeptAt);
        Assert.Equal(StreamIndexCheckpoint.Root(Checkpoint.FromTrustedNote(signed.Note)), await index.RootAtAsync(signed.TreeSize, CancellationToken.None));
        Assert.Equal(signed.TreeSize, (await checkpoints.GetLatestAsync(CancellationToken.None))!.TreeSize);
    }
}
