using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Api.Tests.Integrity;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;

namespace Provenance.Api.Tests.Exports;

/// <summary>
/// #16: a bundle proves that it leaves nothing out. Each test takes a real exported bundle, makes
/// the omission an exporter would make to hide something, reseals the (unsigned) manifest as an
/// attacker would, and finds the verifier refusing it, naming what is missing. Without the stream
/// index (a version 1 bundle) every one of these verified.
/// </summary>
public sealed class CompletenessProofTests(ApiFixture api) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly LineageBuilder _ledger = new(api);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("provenance-completeness-test-");

    public void Dispose() => _work.Delete(recursive: true);

    /// <summary>A lineage: raw R, curated C derived from R, protocol P covering both, other dataset O, model M trained on C and O.</summary>
    private async Task<(Guid Raw, Guid Curated, Guid Protocol, Guid Other, Guid Model)> LineageAsync()
    {
        var raw = await _ledger.DatasetAsync("raw");
        var curated = await _ledger.DatasetAsync("curated", (raw, "filter"));
        var protocol = await _ledger.ProtocolAsync("26-001601", [raw, curated]);
        var other = await _ledger.DatasetAsync("other");
        var model = await _ledger.ModelTrainedOnAsync([curated, other]);
        return (raw, curated, protocol, other, model);
    }

    [Fact]
    public async Task Honest_bundles_of_every_scope_verify_as_version_2_without_a_warning()
    {
        var (raw, _, protocol, _, model) = await LineageAsync();
        var from = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O");
        var to = DateTimeOffset.UtcNow.AddMinutes(5).ToString("O");

        foreach (var path in new[]
                 {
                     $"/audit-bundles?kind=model-version&modelId={model}&modelVersion=1.0", $"/audit-bundles?kind=dataset&datasetId={raw}",
                     $"/audit-bundles?kind=irb-protocol&protocolId={protocol}",
                     $"/audit-bundles?kind=time-range&from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}",
                 })
        {
            var result = await VerifyAsync(await UnpackAsync(path));
            Assert.True(result.IsValid, path + ": " + string.Join("\n", result.Failures));
            Assert.Equal(3, result.FormatVersion);
            Assert.Empty(result.Warnings);
        }
    }

    [Fact]
    public async Task Cutting_the_last_event_of_the_scopes_own_stream_is_refused()
    {
        var (raw, _, _, _, _) = await LineageAsync();
        await _ledger.PostAsync($"/datasets/{raw}/versions/1/consent-withdrawals",
            new { subjectCount = 3, effectiveOn = "2024-06-01", requiredActions = new[] { "exclude-from-future-training" } });
        var bundle = await UnpackAsync($"/audit-bundles?kind=dataset&datasetId={raw}");
        var last = bundle.Manifest()["streams"]!.AsArray().Single(s => s!["stream"]!.GetValue<string>() == raw.ToString())!["lastVersion"]!.GetValue<long>();

        bundle.CutStream(raw, last - 1);
        bundle.Reseal();

        var failure = Assert.Single((await VerifyAsync(bundle)).Failures);
        Assert.Contains($"stream {raw} is claimed complete from version 1 to {last - 1}; the stream index proves it has versions 1 to {last}", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dropping_a_covering_irb_protocol_is_refused()
    {
        var (_, curated, protocol, _, model) = await LineageAsync();
        var bundle = await UnpackAsync($"/audit-bundles?kind=model-version&modelId={model}&modelVersion=1.0");

        bundle.DropStream(protocol);
        bundle.Reseal();

        var failures = (await VerifyAsync(bundle)).Failures;
        var failure = Assert.Single(failures, f => f.File == AuditBundleFiles.Manifest);
        Assert.Contains($"leaves out stream {protocol}", failure.Reason, StringComparison.Ordinal);
        // #18: the disclosure cites the protocol's events, and the verifier says so.
        Assert.Contains(failures, f => f.File == AuditBundleFiles.Disclosure && f.Reason.Contains("not a proved event", StringComparison.Ordinal));
        Assert.Contains("it covered dataset", failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(curated.ToString(), failure.Reason.Split(':')[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dropping_a_derived_dataset_is_refused()
    {
        var (raw, curated, _, _, model) = await LineageAsync();
        var bundle = await UnpackAsync($"/audit-bundles?kind=dataset&datasetId={raw}");

        bundle.DropStream(curated);
        bundle.Reseal();

        var failures = (await VerifyAsync(bundle)).Failures;
        Assert.Contains(failures, f => f.Reason.Contains($"leaves out stream {curated}", StringComparison.Ordinal) &&
                                       f.Reason.Contains($"derived from dataset {raw}", StringComparison.Ordinal));
        // The model trained on the dropped dataset no longer belongs by what is left: it is named too.
        Assert.Contains(failures, f => f.Reason.Contains($"holds stream {model}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("first")]
    [InlineData("last")]
    public async Task Dropping_the_first_or_last_event_of_a_time_range_is_refused(string which)
    {
        var bundle = await TimeRangeBundleAsync("in the range");
        var events = bundle.Lines(AuditBundleFiles.Events);
        var edges = bundle.Lines(AuditBundleFiles.Edges);
        Assert.Equal(2, edges.Count);

        // The dropped event, with its own valid proof, becomes the new edge: the range looks one event shorter.
        var manifest = bundle.Manifest();
        var positions = manifest["positions"]!.AsObject();
        var i = which == "first" ? 0 : events.Count - 1;
        if (which == "first")
        {
            edges[0] = bundle.EdgeLine("before", events[i]);
            positions["first"] = positions["first"]!.GetValue<long>() + 1;
        }
        else
        {
            edges[1] = bundle.EdgeLine("after", events[i]);
            positions["last"] = positions["last"]!.GetValue<long>() - 1;
        }

        bundle.SetManifest(manifest);
        bundle.SetLines(AuditBundleFiles.Edges, edges);
        var dropped = JsonNode.Parse(events[i])!["position"]!.GetValue<long>();
        Assert.Equal(1, bundle.DropEvents(e => e.GetProperty("position").GetInt64() == dropped));
        bundle.Reseal();

        var failure = Assert.Single((await VerifyAsync(bundle)).Failures);
        Assert.Contains($"within the range: the range's {which} events were left out", failure.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("first")]
    [InlineData("last")]
    public async Task Narrowing_a_time_range_past_its_first_or_last_event_is_refused(string which)
    {
        var bundle = await TimeRangeBundleAsync("in the range", "also in the range");
        var events = bundle.Lines(AuditBundleFiles.Events);
        var recorded = events.Select(e => JsonNode.Parse(e)!["recordedAt"]!.GetValue<string>()).ToList();

        // The edges still prove the events beside the range, and every event is still proved: only
        // the claimed range no longer holds its own first (or last) event.
        var manifest = bundle.Manifest();
        var scope = manifest["scope"]!.AsObject();
        var outside = which == "first" ? recorded[0] : recorded[^1];
        if (which == "first")
        {
            var instant = DateTimeOffset.Parse(outside, System.Globalization.CultureInfo.InvariantCulture).AddTicks(10);
            scope["from"] = instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            scope["to"] = outside;
        }

        bundle.SetManifest(manifest);
        bundle.Reseal();

        var failure = Assert.Single((await VerifyAsync(bundle)).Failures);
        Assert.Equal(AuditBundleFiles.Events, failure.File);
        Assert.Equal(which == "first" ? 1 : events.Count, failure.Line);
        var at = DateTimeOffset.Parse(outside, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"the range's {which} event was recorded at {at:O}, outside the range", failure.Reason);
    }

    [Fact]
    public async Task Rewriting_the_scope_to_one_of_its_own_members_is_refused()
    {
        var (raw, curated, _, other, model) = await LineageAsync();
        var bundle = await UnpackAsync($"/audit-bundles?kind=model-version&modelId={model}&modelVersion=1.0");

        var manifest = bundle.Manifest();
        manifest["scope"] = new JsonObject { ["datasetId"] = curated.ToString(), ["kind"] = "dataset" };
        bundle.SetManifest(manifest);
        bundle.Reseal();

        var failures = (await VerifyAsync(bundle)).Failures.Select(f => f.Reason).ToList();
        Assert.Contains($"the bundle holds stream {raw}, which is not part of its scope (dataset {curated})", failures);
        Assert.Contains($"the bundle holds stream {other}, which is not part of its scope (dataset {curated})", failures);
    }

    [Fact]
    public async Task A_model_version_never_trained_has_no_bundle_and_a_bundle_claiming_one_is_refused()
    {
        var (_, _, _, _, model) = await LineageAsync();
        using var refused = await api.Client.GetAsync($"/audit-bundles?kind=model-version&modelId={model}&modelVersion=9.9");
        await Problems.AssertAsync(refused, HttpStatusCode.NotFound, "not-found");
        var bundle = await UnpackAsync($"/audit-bundles?kind=model-version&modelId={model}&modelVersion=1.0");

        var manifest = bundle.Manifest();
        manifest["scope"]!["modelVersion"] = "9.9";
        bundle.SetManifest(manifest);
        bundle.Reseal();

        var failures = (await VerifyAsync(bundle)).Failures.Select(f => f.Reason).ToList();
        Assert.Contains(failures, f => f.Contains($"model {model} has no training run of version 9.9 within the tree", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Removing_versions_a_training_run_used_is_refused()
    {
        var dataset = await _ledger.DatasetAsync("two versions");
        await _ledger.PostAsync($"/datasets/{dataset}/versions", new
        {
            files = new[] { new { path = "part-1.parquet", byteSize = 10, sha256 = new string('b', 64) } }, recordCount = 10,
            fingerprint = Provenance.Domain.Datasets.ContributingVersion.Manifest.Fingerprint([new("part-1.parquet", 10, new string('b', 64))]),
            storageUri = "s3://bucket/y/", contributedAt = "2024-02-02T00:00:00Z",
        });
        var model = (await _ledger.PostAsync("/models", new { name = "m2", owner = "o", intendedUse = "u", commercial = false })).GetProperty("id").GetGuid();
        await _ledger.PostAsync($"/models/{model}/training-runs", new
        {
            modelVersion = "1.0",
            inputs = new[] { new { datasetId = dataset, version = 2, fingerprint = Provenance.Domain.Datasets.ContributingVersion.Manifest.Fingerprint([new("part-1.parquet", 10, new string('b', 64))]) } },
            startedAt = "2024-03-13T08:00:00Z", finishedAt = "2024-03-14T08:00:00Z", codeReference = "git:x", @override = new { justification = "test ledger" },
        });
        var bundle = await UnpackAsync($"/audit-bundles?kind=model-version&modelId={model}&modelVersion=1.0");

        bundle.CutStream(dataset, 1);
        bundle.Reseal();

        var failures = (await VerifyAsync(bundle)).Failures.Select(f => f.Reason).ToList();
        // The dataset's stream: registered (1), version 1 contributed (2), version 2 contributed (3); cut after its registration.
        Assert.Contains(failures, f => f.Contains($"used version 2 of dataset {dataset}, whose contribution the bundle does not hold", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains($"stream {dataset} is claimed complete from version 1 to 1; the stream index proves it has versions 1 to 3", StringComparison.Ordinal));
    }

    /// <summary>The bundle of a time range holding datasets registered under these names, with one registered before it and one after.</summary>
    private async Task<BundleTampering> TimeRangeBundleAsync(params string[] inRange)
    {
        await _ledger.DatasetAsync("before the range");
        var from = DateTimeOffset.UtcNow;
        await Provenance.Testing.Eventually.ClockPassesAsync(from);
        foreach (var name in inRange)
        {
            await _ledger.DatasetAsync(name);
        }

        var to = DateTimeOffset.UtcNow;
        await Provenance.Testing.Eventually.ClockPassesAsync(to);
        await _ledger.DatasetAsync("after the range");
        return await UnpackAsync($"/audit-bundles?kind=time-range&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");
    }

    private Task<BundleTampering> UnpackAsync(string path) => ExportedBundles.UnpackAsync(api, path, _work);

    private Task<BundleVerificationResult> VerifyAsync(BundleTampering bundle) => ExportedBundles.VerifyAsync(api, bundle.Directory);
}
