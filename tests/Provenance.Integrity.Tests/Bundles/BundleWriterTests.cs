using System.Text;
using Provenance.Integrity.Bundles;

namespace Provenance.Integrity.Tests.Bundles;

/// <summary>The writer refuses to write a bundle that a verifier would reject.</summary>
public sealed class BundleWriterTests : IDisposable
{
    private readonly TestLog _log = new();
    private readonly BundleFolder _folder = new();

    public void Dispose()
    {
        _folder.Dispose();
        _log.Dispose();
    }

    private Task<AuditBundleWriter> CreateAsync(BundleScope? scope = null, BundleCompleteness? completeness = null, string? checkpoint = null, string? key = null) =>
        AuditBundleWriter.CreateAsync(_folder.Bundle, new AuditBundleHeader(
            scope ?? BundleScope.ForDataset(Guid.NewGuid()),
            completeness ?? BundleCompleteness.ForPositions(1, 10),
            checkpoint ?? _log.SignedCheckpoint(),
            key ?? _log.VerifierKey.ToString()));

    private static BundleScope TimeRange() => BundleScope.ForTimeRange(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1));

    private (BundleScope Scope, BundleCompleteness Completeness, List<LedgerEvent> Events) Dataset()
    {
        var stream = _log.Events.First(e => e.Type == "dataset.registered").Stream;
        return (BundleScope.ForDataset(stream), BundleCompleteness.ForStreams([stream]), [.. _log.Events.Where(e => e.Stream == stream)]);
    }

    [Fact]
    public async Task A_bundle_not_complete_is_not_packed()
    {
        await using var writer = await CreateAsync(TimeRange());
        await writer.WriteEventAsync(_log.Events[0].Envelope, _log.Proof(_log.Events[0]));
        var zip = Path.Combine(_folder.Root, "early.zip");

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.PackAsync(zip));

        Assert.False(File.Exists(zip));
    }

    [Fact]
    public async Task A_non_canonical_envelope_is_refused()
    {
        await using var writer = await CreateAsync(TimeRange());
        var envelope = Encoding.UTF8.GetString(_log.Events[0].Envelope).Replace("{\"data\":", "{ \"data\":", StringComparison.Ordinal);

        var refusal = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteEventAsync(Encoding.UTF8.GetBytes(envelope), _log.Proof(_log.Events[0])));

        Assert.Contains("not canonical", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Positions_that_do_not_increase_are_refused()
    {
        await using var writer = await CreateAsync(TimeRange(), BundleCompleteness.ForPositions(2, 10));
        await writer.WriteEventAsync(_log.Events[1].Envelope, _log.Proof(_log.Events[1]));

        var refusal = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteEventAsync(_log.Events[0].Envelope, _log.Proof(_log.Events[0])));

        Assert.Contains("does not follow position 2", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_that_does_not_lead_to_the_checkpoints_root_is_refused()
    {
        await using var writer = await CreateAsync(TimeRange());

        var refusal = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteEventAsync(_log.Events[0].Envelope, _log.Proof(_log.Events[1])));

        Assert.Contains("does not verify against the checkpoint", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_refusal_the_writer_is_faulted_and_writes_no_manifest()
    {
        var writer = await CreateAsync(TimeRange());
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteEventAsync(_log.Events[0].Envelope, _log.Proof(_log.Events[1])));

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync(TestLog.Report));
        await writer.DisposeAsync();

        Assert.False(File.Exists(_folder.File(AuditBundleFiles.Manifest)));
    }

    [Fact]
    public async Task An_event_of_a_stream_that_is_not_claimed_is_refused_in_a_stream_scope()
    {
        var (scope, completeness, _) = Dataset();
        await using var writer = await CreateAsync(scope, completeness);
        var stranger = _log.Events.First(e => !completeness.Streams.Contains(e.Stream));

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteEventAsync(stranger.Envelope, _log.Proof(stranger)));

        Assert.Contains($"stream {stranger.Stream} is not among the streams", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_claimed_stream_with_a_missing_version_is_refused()
    {
        var (scope, completeness, events) = Dataset();
        await using var writer = await CreateAsync(scope, completeness);
        await writer.WriteEventAsync(events[0].Envelope, _log.Proof(events[0]));

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteEventAsync(events[2].Envelope, _log.Proof(events[2])));

        Assert.Contains("version 2 of stream", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_claimed_stream_that_does_not_start_at_version_1_is_refused()
    {
        var (scope, completeness, events) = Dataset();
        await using var writer = await CreateAsync(scope, completeness);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteEventAsync(events[1].Envelope, _log.Proof(events[1])));
    }

    [Fact]
    public async Task A_claimed_stream_without_events_is_refused_when_completing()
    {
        var (scope, _, events) = Dataset();
        await using var writer = await CreateAsync(scope, BundleCompleteness.ForStreams([events[0].Stream, Guid.Empty]));
        foreach (var e in events)
        {
            await writer.WriteEventAsync(e.Envelope, _log.Proof(e));
        }

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync(TestLog.Report));

        Assert.Contains($"stream {Guid.Empty} is claimed complete but has no event", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_time_range_missing_a_claimed_position_is_refused()
    {
        await using var writer = await CreateAsync(TimeRange(), BundleCompleteness.ForPositions(1, 3));
        await writer.WriteEventAsync(_log.Events[0].Envelope, _log.Proof(_log.Events[0]));
        await writer.WriteEventAsync(_log.Events[1].Envelope, _log.Proof(_log.Events[1]));

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync(TestLog.Report));

        Assert.Contains("position 3 is missing", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_not_signed_by_the_key_is_refused()
    {
        using var other = new TestLog();

        var refusal = await Assert.ThrowsAsync<ArgumentException>(() => CreateAsync(TimeRange(), checkpoint: _log.SignedCheckpoint(other.Signer, _log.Size)));

        Assert.Contains("does not verify with the key", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claims_that_do_not_fit_the_scope_or_the_tree_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => CreateAsync(TimeRange(), BundleCompleteness.ForStreams([Guid.NewGuid()])));
        await Assert.ThrowsAsync<ArgumentException>(() => CreateAsync(BundleScope.ForDataset(Guid.NewGuid()), BundleCompleteness.ForPositions(1, 2)));
        await Assert.ThrowsAsync<ArgumentException>(() => CreateAsync(TimeRange(), BundleCompleteness.ForPositions(1, (long)_log.Size + 1)));
    }

    [Fact]
    public async Task A_directory_that_is_not_empty_is_refused()
    {
        Directory.CreateDirectory(_folder.Bundle);
        await File.WriteAllTextAsync(_folder.File("old.txt"), "x");

        await Assert.ThrowsAsync<IOException>(() => CreateAsync(TimeRange()));
    }

    [Fact]
    public async Task The_event_counts_by_type_are_there_for_the_report()
    {
        var (scope, completeness, events) = Dataset();
        await using var writer = await CreateAsync(scope, completeness);
        foreach (var e in events)
        {
            await writer.WriteEventAsync(e.Envelope, _log.Proof(e));
        }

        Assert.Equal(events.Count, writer.EventCount);
        Assert.Equal(events.GroupBy(e => e.Type).ToDictionary(g => g.Key, g => (long)g.Count()), writer.EventCountsByType);
    }
}
