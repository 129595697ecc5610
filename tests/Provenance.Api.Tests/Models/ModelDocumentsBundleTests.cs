using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Api.Tests.Exports;
using Provenance.Api.Tests.Integrity;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;

namespace Provenance.Api.Tests.Models;

/// <summary>
/// #18: a model-version bundle carries the version's model card and disclosure, and the verifier
/// checks that every position they cite is an event of the bundle whose proof verified, so a buyer
/// can check the answers offline against the signed log.
/// </summary>
public sealed class ModelDocumentsBundleTests(ApiFixture api) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("provenance-documents-test-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task A_model_version_bundle_carries_a_valid_model_card_and_a_disclosure_whose_citations_all_resolve_to_proved_events()
    {
        var ledger = await DeviceLedger.CreateAsync(api);
        await ledger.EvaluateAsync("1.0", 0.9);
        var bundle = await UnpackAsync(ledger.Model);

        var result = await VerifyAsync(bundle);

        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        Assert.Empty(ModelCardSchema.Validate(File.ReadAllText(Path.Combine(bundle.Directory, AuditBundleFiles.ModelCard))));
        var positions = bundle.Lines(AuditBundleFiles.Events).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("position").GetInt64()).ToHashSet();
        var disclosure = JsonNode.Parse(File.ReadAllText(Path.Combine(bundle.Directory, AuditBundleFiles.Disclosure)))!;
        var cited = disclosure["sections"]!.AsArray().SelectMany(s => s!["answers"]!.AsArray()).SelectMany(a => a!["citations"]!.AsArray()).Select(c => c!.GetValue<long>()).ToList();
        Assert.NotEmpty(cited);
        Assert.Subset(positions, cited.ToHashSet());
        Assert.True(result.CitationsVerified >= cited.Count, $"{result.CitationsVerified} citations verified of {cited.Count}");
    }

    [Fact]
    public async Task A_disclosure_citing_an_event_outside_the_bundle_is_refused()
    {
        var ledger = await DeviceLedger.CreateAsync(api);
        var bundle = await UnpackAsync(ledger.Model);
        var path = Path.Combine(bundle.Directory, AuditBundleFiles.Disclosure);
        var disclosure = JsonNode.Parse(File.ReadAllText(path))!;
        var outside = disclosure["ledgerPosition"]!.GetValue<long>() + 1_000;
        disclosure["sections"]![0]!["answers"]![0]!["citations"]!.AsArray().Add(outside);
        File.WriteAllText(path, disclosure.ToJsonString());
        bundle.Reseal();

        var failure = Assert.Single((await VerifyAsync(bundle)).Failures);

        Assert.Equal(AuditBundleFiles.Disclosure, failure.File);
        Assert.Contains($"cites position {outside}, which is not a proved event of this bundle", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_card_whose_cited_positions_were_removed_is_refused()
    {
        var ledger = await DeviceLedger.CreateAsync(api);
        var bundle = await UnpackAsync(ledger.Model);
        var path = Path.Combine(bundle.Directory, AuditBundleFiles.ModelCard);
        File.WriteAllText(path, File.ReadAllText(path).Replace(AuditBundleVerifier.ModelCardPositionsPrefix, "Positions: ", StringComparison.Ordinal));
        bundle.Reseal();

        var failure = Assert.Single((await VerifyAsync(bundle)).Failures);

        Assert.Equal(AuditBundleFiles.ModelCard, failure.File);
        Assert.Contains("Bibliography has no", failure.Reason, StringComparison.Ordinal);
    }

    private Task<BundleTampering> UnpackAsync(Guid model) =>
        ExportedBundles.UnpackAsync(api, $"/audit-bundles?kind=model-version&modelId={model}&modelVersion=1.0", _work);

    private Task<BundleVerificationResult> VerifyAsync(BundleTampering bundle) => ExportedBundles.VerifyAsync(api, bundle.Directory);
}
