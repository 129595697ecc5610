using System.IO.Compression;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Merkle;
using static Provenance.Integrity.Tests.Bundles.BundleFolder;

namespace Provenance.Integrity.Tests.Bundles;

/// <summary>
/// Format 3 (#22): the events of a bundle proved by one multiproof instead of an inclusion proof
/// each. It verifies as format 2 does, costs a few hashes a level for a run of events, and every
/// change to an event or to the multiproof is caught.
/// </summary>
public sealed class MultiproofBundleTests : IDisposable
{
    private const string Multiproof = AuditBundleFiles.Multiproof;
    private const string Events = AuditBundleFiles.Events;

    private readonly TestLog _log = new(events: 300);
    private readonly BundleFolder _folder = new();

    public void Dispose()
    {
        _folder.Dispose();
        _log.Dispose();
    }

    private static string Describe(BundleVerificationResult result) => string.Join("\n", result.Failures);

    private Task<BundleVerificationResult> VerifyAsync(string? path = null) => _folder.VerifyAsync(_log.VerifierKey, path);

    private Task WriteRangeAsync(long first, long last, bool multiproof = true, string? zipPath = null) =>
        _log.WriteIndexedAsync(_folder.Bundle, _log.TimeRange(first, last), BundleCompleteness.ForPositions(first, last),
            _log.Events.Where(e => e.Position >= first && e.Position <= last), multiproof, zipPath: zipPath);

    private async Task<List<LedgerEvent>> WriteDatasetAsync(bool multiproof)
    {
        // A dataset nothing derives from, covered by no protocol and used by no model: its scope is its own stream.
        var map = _log.StreamMapAt(_log.Size);
        var dataset = _log.Events.Where(e => e.Type == "dataset.registered").Select(e => e.Stream)
            .First(s => map.Find(s) is { ReferencedBy.Count: 0 } && _log.Events.Count(e => e.Stream == s) > 2);
        var events = _log.Events.Where(e => e.Stream == dataset).ToList();
        await _log.WriteIndexedAsync(_folder.Bundle, BundleScope.ForDataset(dataset), BundleCompleteness.ForStreams([dataset]), events, multiproof);
        return events;
    }

    private BundleFailure Failure(BundleVerificationResult result, string file, long? line, string reason)
    {
        Assert.False(result.IsValid);
        return result.Failures.FirstOrDefault(f => f.File == file && f.Line == line && f.Reason.Contains(reason, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No failure {file}:{line} \"{reason}\" among:\n{Describe(result)}");
    }

    [Fact]
    public async Task A_time_range_is_proved_by_a_few_hashes_a_level()
    {
        await WriteRangeAsync(41, 250);

        var result = await VerifyAsync();

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(3, result.FormatVersion);
        Assert.Equal(210, result.ProofsVerified);
        Assert.False(File.Exists(_folder.File(AuditBundleFiles.Proofs)));
        var nodes = new List<(ulong Begin, ulong End)>();
        Provenance.Integrity.Merkle.Multiproof.GapNodes(0, 40, _log.Size, nodes);
        Provenance.Integrity.Merkle.Multiproof.GapNodes(250, _log.Size, _log.Size, nodes);
        Assert.Equal(nodes.Count, _folder.Lines(Multiproof).Count);
        Assert.InRange(nodes.Count, 1, 2 * 9);
        Assert.Contains("\"format\":\"provenance-audit-bundle/3\"", File.ReadAllText(_folder.File(AuditBundleFiles.Manifest)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_whole_log_needs_no_hash_at_all()
    {
        await WriteRangeAsync(1, (long)_log.Size);

        var result = await VerifyAsync();

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(0, new FileInfo(_folder.File(Multiproof)).Length);
        Assert.Equal(result.EventCount, result.ProofsVerified);
    }

    [Fact]
    public async Task A_streams_scattered_events_verify_in_both_formats_and_format_3_is_smaller()
    {
        var events = await WriteDatasetAsync(multiproof: false);
        var v2 = await VerifyAsync();
        var proofs = new FileInfo(_folder.File(AuditBundleFiles.Proofs)).Length;
        Directory.Delete(_folder.Bundle, recursive: true);
        await WriteDatasetAsync(multiproof: true);
        var v3 = await VerifyAsync();

        Assert.True(v2.IsValid, Describe(v2));
        Assert.True(v3.IsValid, Describe(v3));
        Assert.Equal((2, 3), (v2.FormatVersion, v3.FormatVersion));
        Assert.Equal(events.Count, v3.ProofsVerified);
        Assert.True(new FileInfo(_folder.File(Multiproof)).Length < proofs, "the multiproof is smaller than a proof each");
    }

    [Fact]
    public async Task The_multiproof_is_the_same_whatever_the_batch_its_gaps_are_read_in()
    {
        // The first model's lineage: events of a few dozen streams scattered through the log.
        var (model, version, lineage) = _log.ModelLineage();
        var events = _log.Events.Where(e => lineage.Contains(e.Stream)).ToList();
        var scope = BundleScope.ForModelVersion(model, version);
        var one = Path.Combine(_folder.Root, "one-call");
        await _log.WriteIndexedAsync(one, scope, BundleCompleteness.ForStreams(lineage), events, multiproof: true);
        await _log.WriteIndexedAsync(_folder.Bundle, scope, BundleCompleteness.ForStreams(lineage), events, multiproof: true, multiproofBatch: 3);

        Assert.True(events.Count > 3 * 4, $"{events.Count} events make several batches of 3");
        Assert.Equal(File.ReadAllBytes(Path.Combine(one, Multiproof)), File.ReadAllBytes(_folder.File(Multiproof)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(one, AuditBundleFiles.Manifest)), File.ReadAllBytes(_folder.File(AuditBundleFiles.Manifest)));
        var result = await VerifyAsync();
        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(events.Count, result.ProofsVerified);
    }

    [Fact]
    public async Task A_zip_written_as_it_deflates_holds_the_format_3_files_in_order_and_verifies()
    {
        await WriteRangeAsync(10, 200, zipPath: _folder.Zip);

        using (var archive = ZipFile.OpenRead(_folder.Zip))
        {
            Assert.Equal(AuditBundleFiles.All3, archive.Entries.Select(e => e.FullName));
        }

        var result = await VerifyAsync(_folder.Zip);
        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(191, result.ProofsVerified);
    }

    [Fact]
    public async Task A_changed_event_even_resealed_does_not_fold_to_the_root()
    {
        await WriteRangeAsync(41, 250);
        _folder.EditLines(Events, lines => lines[100] = Utf8(Text(lines[100]).Replace("\"schemaVersion\":1", "\"schemaVersion\":2", StringComparison.Ordinal)));
        _folder.Reseal();

        var result = await VerifyAsync();

        Failure(result, Events, null, "do not fold to the checkpoint's root");
        Assert.Equal(0, result.ProofsVerified);
    }

    [Fact]
    public async Task A_changed_hash_of_the_multiproof_is_caught()
    {
        await WriteRangeAsync(41, 250);
        _folder.EditLines(Multiproof, lines =>
        {
            var hash = Convert.FromBase64String(Text(lines[0]));
            hash[31] ^= 1;
            lines[0] = Utf8(Convert.ToBase64String(hash));
        });
        _folder.Reseal();

        var result = await VerifyAsync();

        Failure(result, Events, null, "do not fold to the checkpoint's root");
        Assert.Equal(0, result.ProofsVerified);
    }

    [Fact]
    public async Task A_multiproof_cut_short_or_grown_or_misspelled_is_named_at_its_line()
    {
        await WriteRangeAsync(41, 250);
        var lines = _folder.Lines(Multiproof);

        _folder.SetLines(Multiproof, lines.SkipLast(1));
        _folder.Reseal();
        Failure(await VerifyAsync(), Multiproof, lines.Count, "the file ends before the hash of leaves");

        _folder.SetLines(Multiproof, [.. lines, lines[0]]);
        _folder.Reseal();
        Failure(await VerifyAsync(), Multiproof, lines.Count + 1, "more line(s) than the events' gaps need");

        // The same hash with the unused bits of its last character set: it decodes to the same bytes, but is another spelling, refused.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var misspelled = Text(lines[1]).ToCharArray();
        misspelled[42] = alphabet[alphabet.IndexOf(misspelled[42], StringComparison.Ordinal) | 3];
        Assert.Equal(Convert.FromBase64String(Text(lines[1])), Convert.FromBase64String(new string(misspelled)));
        _folder.SetLines(Multiproof, [lines[0], Utf8(new string(misspelled)), .. lines.Skip(2)]);
        _folder.Reseal();
        Failure(await VerifyAsync(), Multiproof, 2, "the line is not a base64 hash of 32 bytes");
    }

    [Fact]
    public async Task A_dropped_event_is_caught_by_the_claims_and_by_the_fold()
    {
        await WriteRangeAsync(41, 250);
        _folder.EditLines(Events, lines => lines.RemoveAt(50));
        _folder.Reseal();

        var result = await VerifyAsync();

        // The next event stands where the multiproof expects the dropped one's leaf: the fold runs out of hashes.
        Failure(result, Events, 51, "position 91 is missing");
        Failure(result, Multiproof, null, "the events were not proved");
        Assert.Equal(0, result.ProofsVerified);
    }

    [Fact]
    public async Task Events_out_of_order_are_named_and_not_proved()
    {
        await WriteRangeAsync(41, 250);
        _folder.EditLines(Events, lines => (lines[10], lines[11]) = (lines[11], lines[10]));
        _folder.Reseal();

        var result = await VerifyAsync();

        Failure(result, Events, 12, "the position is not after the line before's");
        Failure(result, Multiproof, null, "the events were not proved");
        Assert.Equal(0, result.ProofsVerified);
    }

    [Fact]
    public async Task The_writer_refuses_a_tree_that_does_not_lead_to_the_signed_root_and_leaves_no_manifest()
    {
        // Subtrees of another log of the same size: the events are genuine, the gaps' hashes are not.
        using var other = new TestLog(events: 300, seed: 99);
        var foreign = Provenance.Integrity.Tests.Merkle.TestTrees.SourceFor(other.Events.Select(e => MerkleTree.LeafHash(e.Envelope)));

        var refusal = await Assert.ThrowsAsync<BundleProofException>(() =>
            _log.WriteIndexedAsync(_folder.Bundle, _log.TimeRange(41, 250), BundleCompleteness.ForPositions(41, 250),
                _log.Events.Where(e => e.Position is >= 41 and <= 250), multiproof: true, subtrees: foreign));

        Assert.Contains("do not fold to the root of the checkpoint", refusal.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.File(AuditBundleFiles.Manifest)));
    }

    [Fact]
    public async Task Each_format_takes_its_own_kind_of_event()
    {
        var size = _log.Size;
        var first = _log.Events[0];
        var header = new AuditBundleHeader(_log.TimeRange(1, 2), BundleCompleteness.ForPositions(1, 2), _log.IndexedCheckpoint(size), _log.VerifierKey.ToString())
        {
            Edges = [new BundleEdge(_log.Events[2].Envelope, _log.Proof(_log.Events[2]))],
        };

        await using (var v3 = await AuditBundleWriter.CreateAsync(Path.Combine(_folder.Root, "v3"), header, new AuditBundleWriterOptions { Multiproof = new InMemorySubtreeHashSource() }))
        {
            Assert.Equal(3, v3.FormatVersion);
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await v3.WriteEventAsync(first.Envelope, _log.Proof(first)));
        }

        await using var v2 = await AuditBundleWriter.CreateAsync(Path.Combine(_folder.Root, "v2"), header);
        Assert.Equal(2, v2.FormatVersion);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await v2.WriteEventAsync(first.Envelope));
    }
}
