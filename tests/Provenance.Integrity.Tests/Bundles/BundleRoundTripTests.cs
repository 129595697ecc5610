using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Provenance.Integrity.Bundles;

namespace Provenance.Integrity.Tests.Bundles;

public sealed class BundleRoundTripTests : IDisposable
{
    private readonly TestLog _log = new();
    private readonly BundleFolder _folder = new();

    public void Dispose()
    {
        _folder.Dispose();
        _log.Dispose();
    }

    private static string Describe(BundleVerificationResult result) => string.Join("\n", result.Failures);

    [Fact]
    public async Task A_bundle_of_a_model_version_verifies_as_a_directory()
    {
        var streams = await _log.WriteModelBundleAsync(_folder.Bundle);

        var result = await _folder.VerifyAsync(_log.VerifierKey);

        Assert.True(result.IsValid, Describe(result));
        var expected = _log.Events.Count(e => streams.Contains(e.Stream));
        Assert.Equal(expected, result.EventCount);
        Assert.Equal(expected, result.ProofsVerified);
        Assert.False(result.TrustedBundleKey);
        Assert.True(result.CheckpointVerified);
        Assert.Equal(_log.Size, result.TreeSize);
        Assert.Equal(TestLog.Origin, result.Origin);
        Assert.Equal(BundleScope.ModelVersionKind, result.Scope!.Kind);
        Assert.Equal(streams.Count, result.Streams.Count);
    }

    [Fact]
    public async Task The_same_bundle_packed_as_a_zip_verifies_without_being_extracted()
    {
        await _log.WriteModelBundleAsync(_folder.Bundle);
        await ZipBundle.PackAsync(_folder.Bundle, _folder.Zip);
        Directory.Delete(_folder.Bundle, recursive: true);

        var result = await _folder.VerifyAsync(_log.VerifierKey, _folder.Zip);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(result.EventCount, result.ProofsVerified);
        Assert.Equal([_folder.Zip], Directory.EnumerateFileSystemEntries(_folder.Root));
    }

    [Fact]
    public async Task A_zip_holds_the_files_in_the_specified_order_stamped_1980_01_01()
    {
        await _log.WriteModelBundleAsync(_folder.Bundle);
        await ZipBundle.PackAsync(_folder.Bundle, _folder.Zip);

        using var archive = ZipFile.OpenRead(_folder.Zip);

        Assert.Equal(AuditBundleFiles.All, archive.Entries.Select(e => e.FullName));
        Assert.All(archive.Entries, e => Assert.Equal(new DateTime(1980, 1, 1), e.LastWriteTime.DateTime));
    }

    [Fact]
    public async Task A_time_range_bundle_claims_its_positions_and_verifies()
    {
        await _log.WriteTimeRangeBundleAsync(_folder.Bundle, 41, 90);

        var result = await _folder.VerifyAsync(_log.VerifierKey);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(50, result.EventCount);
        Assert.Equal(new PositionRange(41, 90), result.Positions);
        Assert.Empty(result.Streams);
    }

    [Fact]
    public async Task A_time_range_in_which_nothing_was_recorded_gives_an_empty_bundle_that_verifies()
    {
        await _log.WriteAsync(_folder.Bundle, BundleScope.ForTimeRange(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero)),
            BundleCompleteness.ForPositions(1, 0), []);

        var result = await _folder.VerifyAsync(_log.VerifierKey);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(0, new FileInfo(_folder.File(AuditBundleFiles.Events)).Length);
    }

    [Fact]
    public async Task The_manifest_claims_each_stream_from_version_1_to_its_last_version_and_hashes_every_other_file()
    {
        var streams = await _log.WriteModelBundleAsync(_folder.Bundle);

        var manifest = _folder.Manifest();

        Assert.Equal(AuditBundleFiles.Format, manifest["format"]!.GetValue<string>());
        Assert.Equal((long)_log.Size, manifest["treeSize"]!.GetValue<long>());
        var claims = manifest["streams"]!.AsArray().Select(s => (Stream: s!["stream"]!.GetValue<string>(), First: s["firstVersion"]!.GetValue<long>(), Last: s["lastVersion"]!.GetValue<long>())).ToList();
        Assert.Equal(claims.Select(c => c.Stream).Order(StringComparer.Ordinal), claims.Select(c => c.Stream));
        Assert.Equal(streams.Select(s => s.ToString()).Order(StringComparer.Ordinal), claims.Select(c => c.Stream));
        Assert.All(claims, c => Assert.Equal(1, c.First));
        Assert.All(claims, c => Assert.Equal(_log.Events.Where(e => e.Stream.ToString() == c.Stream).Max(e => e.Version), c.Last));
        var files = manifest["files"]!.AsArray();
        Assert.Equal(AuditBundleFiles.Listed, files.Select(f => f!["path"]!.GetValue<string>()));
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(_folder.File(file!["path"]!.GetValue<string>()));
            Assert.Equal(bytes.Length, file["bytes"]!.GetValue<long>());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file["sha256"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Every_text_file_ends_with_a_newline_and_each_proof_line_names_its_position()
    {
        await _log.WriteModelBundleAsync(_folder.Bundle);

        foreach (var name in new[] { AuditBundleFiles.Manifest, AuditBundleFiles.Checkpoint, AuditBundleFiles.PublicKey, AuditBundleFiles.Events, AuditBundleFiles.Proofs, AuditBundleFiles.Prov })
        {
            Assert.EndsWith("\n", File.ReadAllText(_folder.File(name)), StringComparison.Ordinal);
        }

        var events = _folder.Lines(AuditBundleFiles.Events);
        var proofs = _folder.Lines(AuditBundleFiles.Proofs);
        Assert.Equal(events.Count, proofs.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var position = JsonDocument.Parse(events[i]).RootElement.GetProperty("position").GetInt64();
            Assert.StartsWith($"{{\"leafIndex\":{position - 1},\"position\":{position},\"proof\":\"", BundleFolder.Text(proofs[i]), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Writing_the_same_events_twice_gives_the_same_bytes_in_every_file_and_in_the_zip()
    {
        using var other = new BundleFolder();
        await _log.WriteModelBundleAsync(_folder.Bundle);
        await _log.WriteModelBundleAsync(other.Bundle);
        await ZipBundle.PackAsync(_folder.Bundle, _folder.Zip);
        await ZipBundle.PackAsync(other.Bundle, other.Zip);

        foreach (var name in AuditBundleFiles.All)
        {
            Assert.Equal(File.ReadAllBytes(_folder.File(name)), File.ReadAllBytes(other.File(name)));
        }

        Assert.Equal(File.ReadAllBytes(_folder.Zip), File.ReadAllBytes(other.Zip));
    }

    [Fact]
    public async Task Without_a_key_the_bundles_own_public_key_is_trusted_and_the_result_says_so()
    {
        await _log.WriteModelBundleAsync(_folder.Bundle);

        var result = await _folder.VerifyAsync(key: null);

        Assert.True(result.IsValid, Describe(result));
        Assert.True(result.TrustedBundleKey);
        Assert.Equal(_log.VerifierKey.ToString(), result.Key);
    }

    [Fact]
    public async Task Progress_is_reported_up_to_the_number_of_events()
    {
        await _log.WriteModelBundleAsync(_folder.Bundle);
        var reports = new List<BundleVerificationProgress>();
        var verifier = new AuditBundleVerifier(_log.VerifierKey) { Progress = new SynchronousProgress(reports) };

        var result = await verifier.VerifyAsync(_folder.Bundle);

        Assert.Equal(new BundleVerificationProgress(result.EventCount, result.EventCount), reports[^1]);
    }

    private sealed class SynchronousProgress(List<BundleVerificationProgress> reports) : IProgress<BundleVerificationProgress>
    {
        public void Report(BundleVerificationProgress value) => reports.Add(value);
    }
}
