using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Provenance.Api.Tests.Integrity;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;

using Provenance.Testing;

namespace Provenance.Api.Tests.Exports;

/// <summary>Audit bundles exported by the API, checked by the offline verifier with the published key.</summary>
public sealed class ExportTests(ApiFixture api) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly LineageBuilder _ledger = new(api);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("provenance-export-test-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task A_model_version_bundle_holds_its_lineage_streams_whole_and_verifies_offline()
    {
        var root = await _ledger.DatasetAsync("root");
        await _ledger.ClearAsync(root);
        var curated = await _ledger.DatasetAsync("curated", (root, "filter"));
        var protocol = await _ledger.ProtocolAsync("26-000101", [root, curated]);
        var model = await _ledger.ModelTrainedOnAsync([curated]);
        var unrelated = await _ledger.DatasetAsync("unrelated");
        var (size, _, _, _) = await Checkpoints.SignAsync(api.Client);

        var (zip, response) = await DownloadAsync($"/audit-bundles?kind=model-version&modelId={model}&modelVersion=1.0");

        Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-Provenance-Tree-Size").Single());
        var result = await VerifyAsync(zip);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        Assert.False(result.TrustedBundleKey);
        var events = ReadLines(zip, AuditBundleFiles.Events).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var streams = events.Select(e => e.GetProperty("stream").GetGuid()).ToHashSet();
        Assert.Equal(new HashSet<Guid> { model, root, curated, protocol }, streams);
        Assert.DoesNotContain(unrelated, streams);
        Assert.Equal(events.Select(e => e.GetProperty("position").GetInt64()).Order(), events.Select(e => e.GetProperty("position").GetInt64()));
        var report = ReadText(zip, AuditBundleFiles.Report);
        Assert.Contains("curated v1", report, StringComparison.Ordinal);
        var prov = JsonDocument.Parse(ReadText(zip, AuditBundleFiles.Prov)).RootElement;
        Assert.True(prov.GetProperty("entity").EnumerateObject().Any());
    }

    [Fact]
    public async Task The_same_scope_and_checkpoint_give_the_same_bytes()
    {
        var dataset = await _ledger.DatasetAsync("stable");
        var (size, _, _, _) = await Checkpoints.SignAsync(api.Client);
        await _ledger.DatasetAsync("later");

        var (first, _) = await DownloadAsync($"/audit-bundles?kind=dataset&datasetId={dataset}&treeSize={size}");
        await Checkpoints.SignAsync(api.Client);
        var (second, _) = await DownloadAsync($"/audit-bundles?kind=dataset&datasetId={dataset}&treeSize={size}");

        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(second));
        Assert.True((await VerifyAsync(first)).IsValid);
    }

    [Fact]
    public async Task Protocol_and_time_range_bundles_verify_and_a_time_range_holds_every_position_in_it()
    {
        var dataset = await _ledger.DatasetAsync("covered");
        var protocol = await _ledger.ProtocolAsync("26-000202", [dataset]);
        var before = DateTimeOffset.UtcNow;
        await Eventually.ClockPassesAsync(before);
        await _ledger.DatasetAsync("in range");
        var written = DateTimeOffset.UtcNow;
        await Eventually.ClockPassesAsync(written);
        var after = DateTimeOffset.UtcNow;
        await Checkpoints.SignAsync(api.Client);

        var (usage, _) = await DownloadAsync($"/audit-bundles?kind=irb-protocol&protocolId={protocol}");
        var (range, _) = await DownloadAsync(
            $"/audit-bundles?kind=time-range&from={Uri.EscapeDataString(before.ToString("O"))}&to={Uri.EscapeDataString(after.ToString("O"))}");

        Assert.True((await VerifyAsync(usage)).IsValid);
        var verified = await VerifyAsync(range);
        Assert.True(verified.IsValid, string.Join("\n", verified.Failures));
        var positions = ReadLines(range, AuditBundleFiles.Events).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("position").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range((int)positions[0], positions.Count).Select(p => (long)p), positions);
    }

    [Fact]
    public async Task A_time_range_of_thousands_of_events_is_proved_by_the_few_subtrees_around_it()
    {
        // #22: format 3 proves the 2,600 events of the range with one multiproof: the largest subtrees
        // before and after them, read from the stored tree, and nothing between them.
        var store = api.Service<Provenance.EventStore.PostgresEventStore>();
        var metadata = new Provenance.EventStore.EventMetadata("export-test", "admin", "export-blocks");
        var before = DateTimeOffset.UtcNow;
        await Eventually.ClockPassesAsync(before);
        var appended = 0;
        foreach (var append in new Provenance.Scenarios.ScenarioGenerator(17, 2_600, new Provenance.Scenarios.FlagshipShape(3, 2)).Generate())
        {
            await append.AppendToAsync(store, metadata);
            appended += append.Events.Count;
        }

        var written = DateTimeOffset.UtcNow;
        await Eventually.ClockPassesAsync(written);
        await Checkpoints.SignAsync(api.Client);

        var (zip, response) = await DownloadAsync(
            $"/audit-bundles?kind=time-range&from={Uri.EscapeDataString(before.ToString("O"))}&to={Uri.EscapeDataString(written.ToString("O"))}");

        var result = await VerifyAsync(zip);
        Assert.True(result.IsValid, string.Join("\n", result.Failures.Take(5)));
        var positions = ReadLines(zip, AuditBundleFiles.Events).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("position").GetInt64()).ToList();
        Assert.Equal(appended, positions.Count);
        Assert.Equal(appended.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-Provenance-Event-Count").Single());
        Assert.Equal(Enumerable.Range(0, appended).Select(i => positions[0] + i), positions);
        Assert.Equal(3, result.FormatVersion);
        Assert.Equal(appended, result.ProofsVerified);
        var treeSize = (ulong)result.TreeSize!;
        var around = new List<(ulong Begin, ulong End)>();
        Provenance.Integrity.Merkle.Multiproof.GapNodes(0, (ulong)positions[0] - 1, treeSize, around);
        Provenance.Integrity.Merkle.Multiproof.GapNodes((ulong)positions[^1], treeSize, treeSize, around);
        Assert.Equal(around.Count, ReadLines(zip, AuditBundleFiles.Multiproof).Count);
        Assert.InRange(around.Count, 1, 2 * (int)Math.Ceiling(Math.Log2(treeSize)));
    }

    [Fact]
    public async Task Bug_14_a_scope_written_after_the_latest_checkpoint_is_exported_under_a_checkpoint_signed_for_it()
    {
        var (signed, _, _, _) = await Checkpoints.SignAsync(api.Client);
        var model = await _ledger.ModelTrainedOnAsync([await _ledger.DatasetAsync("after the checkpoint")]);

        var (zip, response) = await DownloadAsync($"/audit-bundles?kind=model-version&modelId={model}&modelVersion=1.0");

        var size = long.Parse(response.Headers.GetValues("X-Provenance-Tree-Size").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(size > signed, $"the bundle is proved against a checkpoint of {size} events, signed after {signed}");
        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync($"/checkpoints/{size}")).StatusCode);
        var result = await VerifyAsync(zip);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        Assert.Contains(ReadLines(zip, AuditBundleFiles.Events), l => l.Contains(model.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bug_14_an_empty_time_range_yields_a_verifiable_bundle_with_no_events()
    {
        await _ledger.DatasetAsync("outside the range");

        var (zip, response) = await DownloadAsync("/audit-bundles?kind=time-range&from=2001-01-01T00:00:00Z&to=2001-01-02T00:00:00Z");

        Assert.Equal("0", response.Headers.GetValues("X-Provenance-Event-Count").Single());
        Assert.Empty(ReadLines(zip, AuditBundleFiles.Events));
        var positions = JsonDocument.Parse(ReadText(zip, AuditBundleFiles.Manifest)).RootElement.GetProperty("positions");
        Assert.Equal(positions.GetProperty("first").GetInt64() - 1, positions.GetProperty("last").GetInt64());
        var result = await VerifyAsync(zip);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_tampered_export_fails_verification_and_format_2_names_the_line(int format)
    {
        var dataset = await _ledger.DatasetAsync("tampered");
        await Checkpoints.SignAsync(api.Client);
        var (zip, _) = await DownloadAsync($"/audit-bundles?kind=dataset&datasetId={dataset}&format={format}");
        var directory = Path.Combine(_work.FullName, "extracted");
        ZipFile.ExtractToDirectory(zip, directory);
        var eventsPath = Path.Combine(directory, AuditBundleFiles.Events);
        var text = await File.ReadAllTextAsync(eventsPath);
        await File.WriteAllTextAsync(eventsPath, text.Replace("tampered", "tamperee", StringComparison.Ordinal));

        var result = await VerifyAsync(directory);

        Assert.False(result.IsValid);
        Assert.Equal(format, result.FormatVersion);
        Assert.True(result.ProofsVerified < result.EventCount, $"{result.ProofsVerified} of {result.EventCount} events proved");
        if (format == 2)
        {
            // Each event is proved on its own: the one that was changed is named.
            Assert.Contains(result.Failures, f => f.File == AuditBundleFiles.Events && f.Line == 1 && f.Reason.Contains("is not the one the checkpoint's tree holds", StringComparison.Ordinal));
        }
        else
        {
            // One multiproof for all: the events as a whole do not lead to the signed root, and none is proved.
            Assert.Equal(0, result.ProofsVerified);
            Assert.Contains(result.Failures, f => f.File == AuditBundleFiles.Events && f.Line is null && f.Reason.Contains("do not fold to the checkpoint's root", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_bundle_resealed_without_a_dataset_of_the_lineage_fails_its_scope_closure()
    {
        var root = await _ledger.DatasetAsync("dropped root");
        var curated = await _ledger.DatasetAsync("kept curated", (root, "filter"));
        var model = await _ledger.ModelTrainedOnAsync([curated]);
        await Checkpoints.SignAsync(api.Client);
        var (zip, _) = await DownloadAsync($"/audit-bundles?kind=model-version&modelId={model}&modelVersion=1.0");
        var bundle = BundleTampering.Unpack(zip, Path.Combine(_work.FullName, "resealed"));

        // Drop the root dataset's events and proofs, its claim and its index line, and reseal the manifest.
        bundle.DropStream(root);
        bundle.Reseal();

        var result = await VerifyAsync(bundle.Directory);

        Assert.False(result.IsValid);
        var failure = Assert.Single(result.Failures, f => f.File == AuditBundleFiles.Manifest);
        Assert.Contains($"leaves out stream {root}", failure.Reason, StringComparison.Ordinal);
        // #18: the scope documents cite the dropped dataset's events, and say so.
        Assert.All(result.Failures.Where(f => f != failure), f => Assert.Contains("which is not a proved event of this bundle", f.Reason, StringComparison.Ordinal));
        Assert.Contains("lineage", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scope_without_its_members_is_a_422_naming_them()
    {
        using var noKind = await api.Client.GetAsync("/audit-bundles");
        using var noModel = await api.Client.GetAsync("/audit-bundles?kind=model-version");
        using var backwards = await api.Client.GetAsync("/audit-bundles?kind=time-range&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z");

        Assert.Single(Problems.Reasons(await Problems.AssertAsync(noKind, HttpStatusCode.UnprocessableEntity, "validation-failed"), "kind"));
        var problem = await Problems.AssertAsync(noModel, HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Single(Problems.Reasons(problem, "modelId"));
        Assert.Single(Problems.Reasons(await Problems.AssertAsync(backwards, HttpStatusCode.UnprocessableEntity, "validation-failed"), "to"));
    }

    [Fact]
    public async Task A_format_other_than_2_or_3_is_a_422_naming_it()
    {
        var dataset = await _ledger.DatasetAsync("format");
        using var unknown = await api.Client.GetAsync($"/audit-bundles?kind=dataset&datasetId={dataset}&format=1");

        var reason = Assert.Single(Problems.Reasons(await Problems.AssertAsync(unknown, HttpStatusCode.UnprocessableEntity, "validation-failed"), "format"));
        Assert.Contains("must be 3", reason, StringComparison.Ordinal);
    }

    private async Task<(string Zip, HttpResponseMessage Response)> DownloadAsync(string path)
    {
        var response = await api.Client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        var zip = Path.Combine(_work.FullName, $"{Guid.NewGuid():N}.zip");
        await File.WriteAllBytesAsync(zip, await response.Content.ReadAsByteArrayAsync());
        return (zip, response);
    }

    private Task<BundleVerificationResult> VerifyAsync(string bundle) => ExportedBundles.VerifyAsync(api, bundle);

    private static List<string> ReadLines(string zip, string file) =>
        ReadText(zip, file).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string ReadText(string zip, string file)
    {
        using var archive = ZipFile.OpenRead(zip);
        using var reader = new StreamReader(archive.GetEntry(file)!.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
