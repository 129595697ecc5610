using System.Text;
using System.Text.Json.Nodes;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;
using static Provenance.Integrity.Tests.Bundles.BundleFolder;

namespace Provenance.Integrity.Tests.Bundles;

/// <summary>Each way of tampering with a bundle is caught, and named by file, line, position and event.</summary>
public sealed class TamperingTests : IAsyncLifetime, IDisposable
{
    private const string Events = AuditBundleFiles.Events;
    private const string Proofs = AuditBundleFiles.Proofs;
    private const string Manifest = AuditBundleFiles.Manifest;

    private readonly TestLog _log = new();
    private readonly BundleFolder _folder = new();
    private IReadOnlyList<Guid> _streams = [];
    private List<LedgerEvent> _bundled = [];

    public async Task InitializeAsync()
    {
        _streams = await _log.WriteModelBundleAsync(_folder.Bundle);
        _bundled = [.. _log.Events.Where(e => _streams.Contains(e.Stream))];
        var untouched = await _folder.VerifyAsync(_log.VerifierKey);
        Assert.True(untouched.IsValid, string.Join("\n", untouched.Failures));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _folder.Dispose();
        _log.Dispose();
    }

    private Task<BundleVerificationResult> VerifyAsync() => _folder.VerifyAsync(_log.VerifierKey);

    private static BundleFailure Failure(BundleVerificationResult result, string file, long? line, string reason)
    {
        Assert.False(result.IsValid);
        return result.Failures.FirstOrDefault(f => f.File == file && f.Line == line && f.Reason.Contains(reason, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No failure {file}:{line} \"{reason}\" among:\n{string.Join("\n", result.Failures)}");
    }

    /// <summary>The line of events.ndjson (from 1) that holds an event of the bundle.</summary>
    private int LineOf(LedgerEvent e) => _bundled.IndexOf(e) + 1;

    [Fact]
    public async Task Flipping_one_byte_of_an_event_is_caught_at_its_line_with_its_position_and_id()
    {
        var target = _bundled[10];
        _folder.EditLines(Events, lines => lines[10] = Utf8(Text(lines[10]).Replace("\"schemaVersion\":1", "\"schemaVersion\":2", StringComparison.Ordinal)));

        var result = await VerifyAsync();

        var failure = Failure(result, Events, 11, "is not the one the checkpoint's tree holds at this position");
        Assert.Equal(target.Position, failure.Position);
        Assert.Equal(target.Id, failure.EventId);
        Assert.StartsWith($"events.ndjson:11: position {target.Position}, event {target.Id}: ", failure.ToString(), StringComparison.Ordinal);
        Failure(result, Events, null, "the file's SHA-256 is");
        Assert.Equal(result.EventCount - 1, result.ProofsVerified);
    }

    [Fact]
    public async Task Flipping_one_bit_inside_a_string_value_is_caught_the_same_way()
    {
        _folder.EditLines(Events, lines =>
        {
            var at = Text(lines[20]).IndexOf("\"type\":\"", StringComparison.Ordinal) + 9;
            lines[20][at] ^= 0x01;
        });

        var result = await VerifyAsync();

        Failure(result, Events, 21, "does not lead to the checkpoint's root");
    }

    [Fact]
    public async Task Deleting_an_event_from_both_files_breaks_its_streams_completeness()
    {
        var deleted = _bundled.First(e => e.Version == 3);
        var next = _bundled.First(e => e.Stream == deleted.Stream && e.Version == 4);
        _folder.EditLines(Events, lines => lines.RemoveAt(LineOf(deleted) - 1));
        _folder.EditLines(Proofs, lines => lines.RemoveAt(LineOf(deleted) - 1));

        var result = await VerifyAsync();

        var failure = Failure(result, Events, LineOf(next) - 1, $"version 3 of stream {deleted.Stream} is missing");
        Assert.Equal(next.Position, failure.Position);
        Failure(result, Events, null, $"the file has {_bundled.Count - 1} lines; the manifest's eventCount is {_bundled.Count}");
        Assert.Equal(_bundled.Count - 1, result.ProofsVerified);
    }

    [Fact]
    public async Task Deleting_a_streams_last_event_and_resealing_the_manifest_is_still_caught()
    {
        var stream = _streams[0];
        var last = _bundled.Last(e => e.Stream == stream);
        _folder.EditLines(Events, lines => lines.RemoveAt(LineOf(last) - 1));
        _folder.EditLines(Proofs, lines => lines.RemoveAt(LineOf(last) - 1));
        _folder.Reseal();

        var result = await VerifyAsync();

        Failure(result, Manifest, 1, $"version {last.Version} of stream {stream} is missing");
    }

    [Fact]
    public async Task Deleting_an_event_only_from_events_ndjson_misaligns_the_proofs()
    {
        var deleted = _bundled[5];
        _folder.EditLines(Events, lines => lines.RemoveAt(5));

        var result = await VerifyAsync();

        var failure = Failure(result, Proofs, 6, $"the proof is of position {deleted.Position}, but line 6 of events.ndjson is position {_bundled[6].Position}");
        Assert.Equal(_bundled[6].Id, failure.EventId);
        Failure(result, Proofs, _bundled.Count, "events.ndjson has no line");
    }

    [Fact]
    public async Task Inserting_a_real_event_of_another_stream_with_its_valid_proof_is_caught_by_the_manifest()
    {
        var intruder = _log.Events.First(e => !_streams.Contains(e.Stream) && e.Position > _bundled[0].Position);
        var at = _bundled.Count(e => e.Position < intruder.Position);
        _folder.EditLines(Events, lines => lines.Insert(at, intruder.Envelope));
        _folder.EditLines(Proofs, lines => lines.Insert(at, ProofLineOf(intruder)));

        var result = await VerifyAsync();

        Assert.Equal(result.EventCount, result.ProofsVerified);
        Failure(result, Events, null, $"the file has {_bundled.Count + 1} lines; the manifest's eventCount is {_bundled.Count}");
        Failure(result, Proofs, null, "the manifest says");
        var failure = Failure(result, Events, at + 1, $"stream {intruder.Stream} is not among the streams the manifest claims");
        Assert.Equal(intruder.Id, failure.EventId);
    }

    [Fact]
    public async Task Inserting_a_real_event_and_resealing_the_manifest_is_still_caught_by_its_stream_claims()
    {
        var intruder = _log.Events.First(e => !_streams.Contains(e.Stream) && e.Position > _bundled[0].Position);
        var at = _bundled.Count(e => e.Position < intruder.Position);
        _folder.EditLines(Events, lines => lines.Insert(at, intruder.Envelope));
        _folder.EditLines(Proofs, lines => lines.Insert(at, ProofLineOf(intruder)));
        _folder.Reseal();

        var result = await VerifyAsync();

        Assert.Equal(1, result.FailureCount);
        Failure(result, Events, at + 1, $"stream {intruder.Stream} is not among the streams the manifest claims");
    }

    [Fact]
    public async Task Inserting_an_extra_version_of_a_claimed_stream_is_caught()
    {
        var stream = _streams[0];
        var last = _bundled.Last(e => e.Stream == stream);
        var copy = Utf8(Text(last.Envelope).Replace($"\"version\":{last.Version}}}", $"\"version\":{last.Version + 1}}}", StringComparison.Ordinal));
        _folder.EditLines(Events, lines => lines.Insert(LineOf(last), copy));
        _folder.EditLines(Proofs, lines => lines.Insert(LineOf(last), lines[LineOf(last) - 1]));
        _folder.Reseal();

        var result = await VerifyAsync();

        Failure(result, Events, LineOf(last) + 1, $"version {last.Version + 1} of stream {stream} is outside the versions the manifest claims");
        Failure(result, Events, LineOf(last) + 1, "the position is not after the line before's");
    }

    [Fact]
    public async Task Inserting_an_invented_event_is_caught_because_no_proof_leads_from_it_to_the_root()
    {
        var template = _bundled[^1];
        var invented = _log.Events.First(e => e.Position > template.Position && !_streams.Contains(e.Stream));
        var forged = Utf8(Text(invented.Envelope).Replace(invented.Stream.ToString(), _streams[0].ToString(), StringComparison.Ordinal));
        _folder.EditLines(Events, lines => lines.Add(forged));
        _folder.EditLines(Proofs, lines => lines.Add(ProofLineOf(invented)));
        _folder.Reseal();

        var result = await VerifyAsync();

        var failure = Failure(result, Events, _bundled.Count + 1, "is not the one the checkpoint's tree holds at this position");
        Assert.Equal(invented.Position, failure.Position);
    }

    [Fact]
    public async Task Swapping_two_lines_is_caught_as_positions_out_of_order()
    {
        _folder.EditLines(Events, lines => (lines[7], lines[8]) = (lines[8], lines[7]));
        _folder.EditLines(Proofs, lines => (lines[7], lines[8]) = (lines[8], lines[7]));
        _folder.Reseal();

        var result = await VerifyAsync();

        var failure = Failure(result, Events, 9, $"the position is not after the line before's ({_bundled[8].Position})");
        Assert.Equal(_bundled[7].Position, failure.Position);
        Assert.Equal(result.EventCount, result.ProofsVerified);
    }

    [Fact]
    public async Task Swapping_two_event_lines_but_not_their_proofs_is_caught_too()
    {
        _folder.EditLines(Events, lines => (lines[7], lines[8]) = (lines[8], lines[7]));

        var result = await VerifyAsync();

        Failure(result, Proofs, 8, $"the proof is of position {_bundled[7].Position}, but line 8 of events.ndjson is position {_bundled[8].Position}");
    }

    [Fact]
    public async Task A_checkpoint_of_a_larger_tree_signed_by_the_log_does_not_fit_the_proofs()
    {
        using var smaller = new BundleFolder();
        await _log.WriteModelBundleAsync(smaller.Bundle, treeSize: 120);
        File.WriteAllText(smaller.File(AuditBundleFiles.Checkpoint), _log.SignedCheckpoint(160));
        smaller.Reseal();

        var result = await smaller.VerifyAsync(_log.VerifierKey);

        Assert.True(result.CheckpointVerified);
        Failure(result, Manifest, 1, "treeSize is 120, but the checkpoint's tree size is 160");
        Assert.Contains(result.Failures, f => f.File == Proofs && f.Reason.Contains("the proof of leaf", StringComparison.Ordinal)
            || f.File == Events && f.Reason.Contains("does not lead to the checkpoint's root", StringComparison.Ordinal));
        Assert.True(result.ProofsVerified < result.EventCount);
    }

    [Fact]
    public async Task A_checkpoint_of_a_forked_tree_of_the_same_size_is_caught_at_every_event()
    {
        using var fork = new TestLog(events: 160, seed: 99);
        var forked = new Checkpoint(TestLog.Origin, _log.Size, await MerkleTree.RootHashAsync(ForkSource(fork), _log.Size));
        File.WriteAllText(_folder.File(AuditBundleFiles.Checkpoint), _log.Signer.Sign(forked));
        _folder.Reseal();

        var result = await VerifyAsync();

        Assert.True(result.CheckpointVerified);
        Assert.Equal(0, result.ProofsVerified);
        Assert.Equal(_bundled.Count, result.FailureCount);
        Failure(result, Events, 1, "does not lead to the checkpoint's root");
    }

    [Fact]
    public async Task A_checkpoint_resigned_with_another_key_fails_the_signature_check()
    {
        using var other = new TestLog();
        File.WriteAllText(_folder.File(AuditBundleFiles.Checkpoint), _log.SignedCheckpoint(other.Signer, _log.Size));
        _folder.Reseal();

        var result = await VerifyAsync();

        Assert.False(result.CheckpointVerified);
        Failure(result, AuditBundleFiles.Checkpoint, null, $"the checkpoint is not signed by the key {TestLog.Origin}+{_log.VerifierKey.KeyId:x8}");
    }

    [Fact]
    public async Task Replacing_the_checkpoint_and_public_key_with_another_keys_fails_against_the_trusted_key()
    {
        using var other = new TestLog();
        File.WriteAllText(_folder.File(AuditBundleFiles.Checkpoint), _log.SignedCheckpoint(other.Signer, _log.Size));
        File.WriteAllText(_folder.File(AuditBundleFiles.PublicKey), other.VerifierKey + "\n");
        _folder.Reseal();

        var trusted = await VerifyAsync();
        var selfTrusted = await _folder.VerifyAsync(key: null);

        Failure(trusted, AuditBundleFiles.PublicKey, 1, "not the trusted key");
        Failure(trusted, AuditBundleFiles.Checkpoint, null, "is not signed by the key");
        Assert.True(selfTrusted.IsValid, "a bundle consistent with its own key passes; only a trusted key tells whose it is");
        Assert.True(selfTrusted.TrustedBundleKey);
    }

    [Fact]
    public async Task Editing_a_files_hash_in_the_manifest_is_caught()
    {
        _folder.EditManifest(m => m["files"]![3]!["sha256"] = new string('0', 64));

        var result = await VerifyAsync();

        Failure(result, AuditBundleFiles.Prov, null, $"the manifest says {new string('0', 64)}");
    }

    [Fact]
    public async Task Editing_the_event_count_in_the_manifest_is_caught()
    {
        _folder.EditManifest(m => m["eventCount"] = _bundled.Count - 1);

        var result = await VerifyAsync();

        Failure(result, Events, null, $"the file has {_bundled.Count} lines; the manifest's eventCount is {_bundled.Count - 1}");
        Failure(result, Proofs, null, $"the file has {_bundled.Count} lines");
    }

    [Fact]
    public async Task Claiming_more_versions_of_a_stream_than_the_bundle_holds_is_caught()
    {
        var claim = _folder.Manifest()["streams"]![0]!;
        var stream = claim["stream"]!.GetValue<string>();
        var last = claim["lastVersion"]!.GetValue<long>();
        _folder.EditManifest(m => m["streams"]![0]!["lastVersion"] = last + 2);

        var result = await VerifyAsync();

        Failure(result, Manifest, 1, $"versions {last + 1} to {last + 2} of stream {stream} are missing (claimed complete from version 1 to {last + 2})");
    }

    [Fact]
    public async Task Dropping_a_stream_claim_from_the_manifest_is_caught_at_each_of_its_events()
    {
        var stream = Guid.Parse(_folder.Manifest()["streams"]![0]!["stream"]!.GetValue<string>());
        _folder.EditManifest(m => m["streams"]!.AsArray().RemoveAt(0));

        var result = await VerifyAsync();

        Assert.Equal(_bundled.Count(e => e.Stream == stream), result.FailureCount);
        Failure(result, Events, LineOf(_bundled.First(e => e.Stream == stream)), $"stream {stream} is not among the streams the manifest claims");
    }

    [Fact]
    public async Task A_manifest_claiming_a_different_stream_type_is_caught()
    {
        _folder.EditManifest(m =>
        {
            foreach (var claim in m["streams"]!.AsArray().Where(c => c!["streamType"]!.GetValue<string>() == "model"))
            {
                claim!["streamType"] = "dataset";
            }
        });

        var result = await VerifyAsync();

        Assert.Contains(result.Failures, f => f.File == Events && f.Reason.Contains("is model.registered, not dataset.registered", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.File == Events && f.Reason.Contains("a dataset stream holds no model.training-run-recorded event", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_extra_file_in_the_bundle_is_caught()
    {
        File.WriteAllText(_folder.File("notes.txt"), "nothing to see\n");

        var result = await VerifyAsync();

        Assert.Equal(1, result.FailureCount);
        Failure(result, "notes.txt", null, "not part of an audit bundle");
    }

    [Fact]
    public async Task A_missing_file_is_caught()
    {
        File.Delete(_folder.File(AuditBundleFiles.Report));

        var result = await VerifyAsync();

        Failure(result, AuditBundleFiles.Report, null, "the file is missing");
    }

    [Fact]
    public async Task An_equivalent_but_not_canonical_event_line_is_caught_as_not_canonical()
    {
        var target = _bundled[12];
        _folder.EditLines(Events, lines =>
        {
            var reordered = JsonNode.Parse(lines[12])!.AsObject();
            var data = reordered["data"]!;
            reordered.Remove("data");
            reordered["data"] = data;
            lines[12] = Utf8(reordered.ToJsonString());
        });

        var result = await VerifyAsync();

        var failure = Failure(result, Events, 13, "the line is not canonical JSON (RFC 8785)");
        Assert.Equal(target.Id, failure.EventId);
        Assert.DoesNotContain(result.Failures, f => f.Line == 13 && f.Reason.Contains("root", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Whitespace_in_an_event_line_is_caught_as_not_canonical()
    {
        _folder.EditLines(Events, lines => lines[3] = Utf8(Text(lines[3]).Replace(",\"id\":", ", \"id\":", StringComparison.Ordinal)));

        var result = await VerifyAsync();

        Failure(result, Events, 4, "not canonical");
    }

    [Fact]
    public async Task A_truncated_proof_is_caught_at_its_line()
    {
        var target = _bundled[9];
        _folder.EditLines(Proofs, lines => lines[9] = ProofLine(target.Position, _log.Proof(target).SkipLast(1)));

        var result = await VerifyAsync();

        var failure = Failure(result, Proofs, 10, "hashes; the proof of leaf");
        Assert.Equal(target.Position, failure.Position);
    }

    [Fact]
    public async Task A_proof_line_cut_short_is_caught_as_malformed()
    {
        _folder.EditLines(Proofs, lines => lines[4] = lines[4][..^10]);

        var result = await VerifyAsync();

        Failure(result, Proofs, 5, "the line is not {\"leafIndex\"");
    }

    [Fact]
    public async Task A_valid_proof_of_another_position_is_caught()
    {
        var target = _bundled[15];
        var other = _bundled[16];
        _folder.EditLines(Proofs, lines => lines[15] = ProofLineOf(other));

        var result = await VerifyAsync();

        Failure(result, Proofs, 16, $"the proof is of position {other.Position}, but line 16 of events.ndjson is position {target.Position}");
    }

    [Fact]
    public async Task The_proof_hashes_of_another_leaf_under_the_right_position_are_caught()
    {
        var target = _bundled[15];
        var other = _bundled[16];
        _folder.EditLines(Proofs, lines => lines[15] = ProofLine(target.Position, _log.Proof(other)));

        var result = await VerifyAsync();

        Assert.Contains(result.Failures, f => f.Position == target.Position && (f.File == Events || f.File == Proofs));
        Assert.Equal(result.EventCount - 1, result.ProofsVerified);
    }

    [Fact]
    public async Task A_leaf_index_that_is_not_position_minus_one_is_caught()
    {
        var target = _bundled[2];
        _folder.EditLines(Proofs, lines => lines[2] = Utf8(Text(lines[2]).Replace($"\"leafIndex\":{target.Position - 1},", $"\"leafIndex\":{target.Position},", StringComparison.Ordinal)));

        var result = await VerifyAsync();

        Failure(result, Proofs, 3, $"leafIndex is {target.Position}, not position − 1");
    }

    [Fact]
    public async Task A_last_line_without_a_newline_is_caught()
    {
        var bytes = File.ReadAllBytes(_folder.File(Events));
        File.WriteAllBytes(_folder.File(Events), bytes[..^1]);
        _folder.Reseal();

        var result = await VerifyAsync();

        Assert.Equal(1, result.FailureCount);
        Failure(result, Events, _bundled.Count, "does not end with LF");
    }

    [Fact]
    public async Task A_manifest_that_is_not_canonical_is_caught()
    {
        var manifest = File.ReadAllText(_folder.File(Manifest));
        File.WriteAllText(_folder.File(Manifest), manifest.Replace("{\"eventCount\":", "{ \"eventCount\": ", StringComparison.Ordinal));

        var result = await VerifyAsync();

        Failure(result, Manifest, 1, "not canonical JSON");
    }

    [Fact]
    public async Task Failures_past_the_limit_are_counted_but_not_listed()
    {
        _folder.EditLines(Events, lines =>
        {
            for (var i = 0; i < lines.Count; i++)
            {
                lines[i] = Utf8(Text(lines[i]).Replace("\"schemaVersion\":1", "\"schemaVersion\":3", StringComparison.Ordinal));
            }
        });

        var result = await new AuditBundleVerifier(_log.VerifierKey).VerifyAsync(_folder.Bundle);

        Assert.Equal(AuditBundleVerifier.DefaultMaxFailures, result.Failures.Count);
        Assert.Equal(_bundled.Count + 1, result.FailureCount);
    }

    [Fact]
    public async Task A_zip_with_a_tampered_entry_is_caught_like_a_directory()
    {
        _folder.EditLines(Events, lines => lines[10] = Utf8(Text(lines[10]).Replace("\"schemaVersion\":1", "\"schemaVersion\":2", StringComparison.Ordinal)));
        await ZipBundle.PackAsync(_folder.Bundle, _folder.Zip);

        var result = await _folder.VerifyAsync(_log.VerifierKey, _folder.Zip);

        Failure(result, Events, 11, "is not the one the checkpoint's tree holds at this position");
    }

    [Fact]
    public async Task A_file_that_is_not_a_zip_is_reported_as_an_unreadable_bundle()
    {
        File.WriteAllText(_folder.Zip, "not a zip\n");

        var result = await _folder.VerifyAsync(_log.VerifierKey, _folder.Zip);

        Failure(result, "bundle.zip", null, "the bundle cannot be read");
    }

    private byte[] ProofLineOf(LedgerEvent e) => ProofLine(e.Position, _log.Proof(e));

    private static byte[] ProofLine(long position, IEnumerable<byte[]> hashes) =>
        Utf8($"{{\"leafIndex\":{position - 1},\"position\":{position},\"proof\":\"{Convert.ToBase64String(hashes.SelectMany(h => h).ToArray())}\"}}");

    private static InMemorySubtreeHashSource ForkSource(TestLog fork)
    {
        var source = new InMemorySubtreeHashSource();
        var builder = new MerkleTreeBuilder();
        foreach (var e in fork.Events)
        {
            source.Add(builder.Append(MerkleTree.LeafHash(e.Envelope)));
        }

        return source;
    }
}
