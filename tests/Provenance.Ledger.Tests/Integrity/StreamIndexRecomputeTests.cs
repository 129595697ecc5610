using System.Text.Json;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.StreamIndex;
using Provenance.Ledger.Integrity;
using Provenance.Scenarios;

namespace Provenance.Ledger.Tests.Integrity;

/// <summary>
/// #16: the stream index the ledger signs is a function of the log alone. A 100,000-event ledger is
/// loaded with checkpoints signed along the way; replaying its canonical envelopes from position 1
/// (as a monitor does with a whole-log bundle) gives, at every checkpoint's size, the root that
/// checkpoint signed.
/// </summary>
public sealed class StreamIndexRecomputeTests(SliceFixture ledger) : IClassFixture<SliceFixture>
{
    [Fact]
    public async Task The_index_recomputed_from_the_log_equals_the_signed_one_at_every_checkpoint_of_a_100_000_event_ledger()
    {
        var store = ledger.Service<PostgresEventStore>();
        var checkpoints = ledger.Service<CheckpointService>();
        var metadata = new EventMetadata("scenario-generator", "admin", "stream-index-test");
        var signed = new List<StoredCheckpoint>();
        var inFlight = new Queue<Task>();
        var nextCheckpoint = 20_000L;
        var generator = new ScenarioGenerator(16, 100_000, new FlagshipShape(10, 5));
        foreach (var append in generator.Generate())
        {
            inFlight.Enqueue(append.AppendToAsync(store, metadata));
            if (inFlight.Count >= 256)
            {
                await inFlight.Dequeue();
            }

            if (generator.EventCount >= nextCheckpoint)
            {
                await Task.WhenAll(inFlight);
                inFlight.Clear();
                signed.Add((await checkpoints.CheckpointLogHeadAsync(CancellationToken.None)).Checkpoint);
                nextCheckpoint += 20_000;
            }
        }

        await Task.WhenAll(inFlight);
        signed.Add((await checkpoints.CheckpointLogHeadAsync(CancellationToken.None)).Checkpoint);
        Assert.True(signed.Count >= 5 && signed[^1].TreeSize >= 100_000, $"{signed.Count} checkpoints, the last of {signed[^1].TreeSize}");

        var index = new StreamIndexBuilder();
        var pending = new Queue<StoredCheckpoint>(signed.OrderBy(c => c.TreeSize));
        await foreach (var raw in store.ReadAllRawAsync(0, int.MaxValue))
        {
            using (var envelope = JsonDocument.Parse(EventEnvelope.ToCanonicalBytes(raw)))
            {
                index.ApplyEnvelope(envelope.RootElement);
            }

            while (pending.TryPeek(out var checkpoint) && checkpoint.TreeSize == index.Position)
            {
                pending.Dequeue();
                var signedRoot = StreamIndexCheckpoint.Root(Checkpoint.FromTrustedNote(checkpoint.Note));
                Assert.Equal(signedRoot, index.ToMap().Root);
            }
        }

        Assert.Empty(pending);
    }
}
