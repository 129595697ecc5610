using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Provenance.Api.Tests.Scenarios;

/// <summary>Every kind of event can be recorded over REST and read back; each refusal writes nothing.</summary>
public sealed class LedgerVocabularyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<JsonElement> SendAsync(string path, object body, HttpStatusCode expected)
    {
        var before = await api.CountEventsAsync();
        using var response = await api.Client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: {(int)response.StatusCode} {text}");
        if (!response.IsSuccessStatusCode)
        {
            Assert.Equal(before, await api.CountEventsAsync());
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<Guid> DatasetAsync() =>
        (await SendAsync("/datasets", Requests.ValidDataset(), HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private async Task<JsonElement> GetAsync(string path) => await api.Client.GetFromJsonAsync<JsonElement>(path);

    private static object Version(string storage = "s3://bucket/v/") =>
        new
        {
            files = new[] { new { path = "a.parquet", byteSize = 5L, sha256 = new string('d', 64) } },
            recordCount = 5,
            fingerprint = Domain.Datasets.ContributingVersion.Manifest.Fingerprint([new("a.parquet", 5, new string('d', 64))]),
            storageUri = storage,
            contributedAt = "2024-01-10T00:00:00Z",
        };

    private static object Protocol(Guid dataset) => new
    {
        irbName = "Lakeshore Health IRB", irbRegistration = "IRB00001234", protocolNumber = "22-000101", title = "Secondary use", principalInvestigator = "Dr. A",
        reviewType = "full-board", approvedOn = "2024-01-05", consentBasis = "broad-consent",
        terms = new { expiresOn = "2025-01-04", permittedUses = new[] { "research" }, coveredDatasetIds = new[] { dataset } },
    };

    [Fact]
    public async Task An_irb_protocol_moves_through_amendment_suspension_reinstatement_and_termination()
    {
        var dataset = await DatasetAsync();
        var protocol = (await SendAsync("/irb/protocols", Protocol(dataset), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await SendAsync($"/irb/protocols/{protocol}/amendments",
            new { effectiveOn = "2024-02-01", summary = "adds model training", terms = new { permittedUses = new[] { "research", "model-training" }, coveredDatasetIds = new[] { dataset } } },
            HttpStatusCode.OK);
        await SendAsync($"/irb/protocols/{protocol}/suspension", new { effectiveOn = "2024-03-01", reason = "continuing noncompliance review" }, HttpStatusCode.OK);
        await SendAsync($"/irb/protocols/{protocol}/suspension", new { effectiveOn = "2024-03-02", reason = "again" }, HttpStatusCode.UnprocessableEntity);
        await SendAsync($"/irb/protocols/{protocol}/reinstatement", new { effectiveOn = "2024-03-20", reason = "resolved" }, HttpStatusCode.OK);
        await SendAsync($"/irb/protocols/{protocol}/termination", new { effectiveOn = "2024-06-01", reason = "study stopped" }, HttpStatusCode.OK);
        await SendAsync($"/irb/protocols/{protocol}/closure", new { effectiveOn = "2024-06-02", reason = "closing" }, HttpStatusCode.UnprocessableEntity);

        var view = await GetAsync($"/irb/protocols/{protocol}");
        Assert.Equal("terminated", view.GetProperty("status").GetString());
        Assert.Equal(["active", "suspended", "active", "terminated"], view.GetProperty("statusHistory").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.Contains("model-training", view.GetProperty("terms").GetProperty("permittedUses").EnumerateArray().Select(u => u.GetString()));
        var history = await GetAsync($"/irb/protocols/{protocol}/events");
        Assert.Equal(["irb.protocol-approved", "irb.protocol-amended", "irb.protocol-suspended", "irb.protocol-reinstated", "irb.protocol-terminated"],
            history.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task An_irb_protocol_covering_an_unknown_dataset_is_refused()
    {
        var problem = await SendAsync("/irb/protocols", Protocol(Guid.NewGuid()), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("unknown-dataset", problem.GetProperty("violations")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Versions_can_be_quarantined_released_and_derived_and_the_dataset_retired()
    {
        var raw = await DatasetAsync();
        await SendAsync($"/datasets/{raw}/versions", Version(), HttpStatusCode.Created);
        var derived = await DatasetAsync();
        var derivedVersion = JsonSerializer.SerializeToNode(Version("s3://bucket/derived/"))!.AsObject();
        derivedVersion["derivedFrom"] = JsonSerializer.SerializeToNode(new
        {
            parents = new[] { new { datasetId = raw, version = 1 } }, transformation = "deidentification", description = "Safe Harbor scrub", codeReference = "git:deid@1",
        });
        await SendAsync($"/datasets/{derived}/versions", derivedVersion, HttpStatusCode.Created);

        await SendAsync($"/datasets/{raw}/versions/1/quarantine", new { reason = "faces visible" }, HttpStatusCode.OK);
        await SendAsync($"/datasets/{raw}/versions/1/quarantine", new { reason = "again" }, HttpStatusCode.UnprocessableEntity);
        await SendAsync($"/datasets/{raw}/versions/1/release", new { reason = "defaced" }, HttpStatusCode.OK);
        await SendAsync($"/datasets/{raw}/retirement", new { reason = "superseded" }, HttpStatusCode.OK);
        await SendAsync($"/datasets/{raw}/versions", Version(), HttpStatusCode.UnprocessableEntity);

        var rawView = await GetAsync($"/datasets/{raw}");
        Assert.Equal("retired", rawView.GetProperty("status").GetString());
        Assert.False(rawView.GetProperty("versions")[0].GetProperty("quarantined").GetBoolean());
        var derivedView = await GetAsync($"/datasets/{derived}");
        Assert.Equal(raw, derivedView.GetProperty("versions")[0].GetProperty("parents")[0].GetProperty("datasetId").GetGuid());
        Assert.Equal("deidentification", derivedView.GetProperty("versions")[0].GetProperty("derivation").GetProperty("transformation").GetString());
    }

    [Fact]
    public async Task A_derivation_from_a_version_that_does_not_exist_is_refused()
    {
        var dataset = await DatasetAsync();
        var body = JsonSerializer.SerializeToNode(Version())!.AsObject();
        body["derivedFrom"] = JsonSerializer.SerializeToNode(new
        {
            parents = new[] { new { datasetId = Guid.NewGuid(), version = 1 }, new { datasetId = dataset, version = 1 } }, transformation = "merge", codeReference = "git:x",
        });

        var problem = await SendAsync($"/datasets/{dataset}/versions", body, HttpStatusCode.UnprocessableEntity);

        Assert.Equal(["unknown-parent", "derivation-cycle"], problem.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Licenses_are_granted_amended_and_terminated()
    {
        var dataset = await DatasetAsync();
        var granted = await SendAsync($"/datasets/{dataset}/licenses", new
        {
            kind = "spdx", spdxId = "CC-BY-NC-4.0", parties = new[] { "Lakeshore" }, attribution = "Lakeshore Health", territory = "Worldwide", effectiveOn = "2024-01-01",
            terms = new { permittedUses = new[] { "research" }, prohibitions = new[] { "reidentification" }, documentReference = "LIC-1", documentSha256 = new string('e', 64) },
        }, HttpStatusCode.Created);
        var license = granted.GetProperty("location").GetString()!;

        await SendAsync($"{license}/amendments", new
        {
            effectiveOn = "2024-06-01", summary = "adds training",
            terms = new { permittedUses = new[] { "research", "model-training" }, documentReference = "LIC-1a", documentSha256 = new string('f', 64) },
        }, HttpStatusCode.OK);
        await SendAsync($"{license}/termination", new { effectiveOn = "2025-01-01", reason = "contract ended" }, HttpStatusCode.OK);
        await SendAsync($"{license}/termination", new { effectiveOn = "2025-01-02", reason = "again" }, HttpStatusCode.UnprocessableEntity);

        var view = await GetAsync($"/datasets/{dataset}");
        var recorded = view.GetProperty("licenses")[0];
        Assert.Equal(2, recorded.GetProperty("termsHistory").GetArrayLength());
        Assert.Equal("2025-01-01", recorded.GetProperty("terminated").GetProperty("effectiveOn").GetString());
    }

    [Fact]
    public async Task A_license_with_a_malformed_document_hash_is_a_422()
    {
        var dataset = await DatasetAsync();

        var problem = await SendAsync($"/datasets/{dataset}/licenses", new
        {
            kind = "data-use-agreement", parties = new[] { "A" }, territory = "US", effectiveOn = "2024-01-01",
            terms = new { permittedUses = new[] { "model-training" }, documentReference = "DUA", documentSha256 = "not-a-hash" },
        }, HttpStatusCode.UnprocessableEntity);

        Assert.Single(Problems.Reasons(problem, "terms.documentSha256"));
    }

    [Fact]
    public async Task Deidentification_decisions_are_recorded_and_rescinded()
    {
        var dataset = await DatasetAsync();
        await SendAsync($"/datasets/{dataset}/versions", Version(), HttpStatusCode.Created);
        var decided = await SendAsync($"/datasets/{dataset}/versions/1/deidentification-decisions", new
        {
            method = "not-phi", notPhi = new { justification = "Synthetic records generated by a simulator; no real patients." }, outcome = "approved",
            decidedBy = "Privacy Officer", decidedAt = "2024-02-01T00:00:00Z",
        }, HttpStatusCode.Created);

        await SendAsync($"{decided.GetProperty("location").GetString()}/rescission", new { reason = "real records found mixed in" }, HttpStatusCode.OK);
        await SendAsync($"{decided.GetProperty("location").GetString()}/rescission", new { reason = "again" }, HttpStatusCode.UnprocessableEntity);

        var decision = (await GetAsync($"/datasets/{dataset}")).GetProperty("deidentificationDecisions")[0];
        Assert.Equal("not-phi", decision.GetProperty("decided").GetProperty("method").GetString());
        Assert.Equal("real records found mixed in", decision.GetProperty("rescinded").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_safe_harbor_approval_missing_identifiers_is_refused_naming_them()
    {
        var dataset = await DatasetAsync();
        await SendAsync($"/datasets/{dataset}/versions", Version(), HttpStatusCode.Created);

        var problem = await SendAsync($"/datasets/{dataset}/versions/1/deidentification-decisions", new
        {
            method = "safe-harbor", safeHarbor = new { identifiers = new[] { new { identifier = "names", treatment = "removed" } }, noActualKnowledge = true },
            outcome = "approved", decidedBy = "PO", decidedAt = "2024-02-01T00:00:00Z",
        }, HttpStatusCode.UnprocessableEntity);

        var violation = problem.GetProperty("violations")[0];
        Assert.Equal("identifiers-missing", violation.GetProperty("code").GetString());
        Assert.Contains("full-face-photographs", violation.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_withdrawals_record_a_count_and_the_required_actions()
    {
        var dataset = await DatasetAsync();
        await SendAsync($"/datasets/{dataset}/versions", Version(), HttpStatusCode.Created);

        await SendAsync($"/datasets/{dataset}/versions/1/consent-withdrawals",
            new { subjectCount = 3, effectiveOn = "2024-05-01", requiredActions = new[] { "exclude-from-future-training", "retrain-affected-models" } }, HttpStatusCode.Created);
        await SendAsync($"/datasets/{dataset}/versions/1/consent-withdrawals",
            new { subjectCount = 0, effectiveOn = "2024-05-01", requiredActions = new[] { "delete-everything" } }, HttpStatusCode.UnprocessableEntity);

        var withdrawal = (await GetAsync($"/datasets/{dataset}")).GetProperty("consentWithdrawals")[0];
        Assert.Equal(3, withdrawal.GetProperty("subjectCount").GetInt64());
    }

    [Fact]
    public async Task A_model_version_cannot_be_released_without_a_training_run_and_can_be_withdrawn_after_release()
    {
        var model = (await SendAsync("/models", new { name = "m", owner = "o", intendedUse = "u", commercial = true }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var problem = await SendAsync($"/models/{model}/versions/2.0.0/release", new { notes = "n" }, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("no-training-run", problem.GetProperty("violations")[0].GetProperty("code").GetString());
        await SendAsync($"/models/{model}/versions/2.0.0/withdrawal", new { reason = "r" }, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Writes_to_an_unknown_stream_are_404s()
    {
        await SendAsync($"/datasets/{Guid.NewGuid()}/versions", Version(), HttpStatusCode.NotFound);
        await SendAsync($"/irb/protocols/{Guid.NewGuid()}/suspension", new { effectiveOn = "2024-01-01", reason = "r" }, HttpStatusCode.NotFound);
        await SendAsync($"/models/{Guid.NewGuid()}/training-runs", new
        {
            modelVersion = "1", inputs = new[] { new { datasetId = Guid.NewGuid(), version = 1, fingerprint = "sha256:x" } },
            startedAt = "2024-01-01T00:00:00Z", finishedAt = "2024-01-02T00:00:00Z", codeReference = "git:x",
        }, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_write_with_its_body_and_problems()
    {
        var document = await GetAsync("/openapi/v1.json");

        var posts = document.GetProperty("paths").EnumerateObject()
            // Administration and checkpoint signing take no body and record no event.
            .Where(p => p.Value.TryGetProperty("post", out _) && !p.Name.StartsWith("/admin/", StringComparison.Ordinal) && p.Name != "/checkpoints")
            .Select(p => (Path: p.Name, Post: p.Value.GetProperty("post")))
            .ToList();
        Assert.True(posts.Count >= 17, $"only {posts.Count} write endpoints documented");
        foreach (var (path, post) in posts)
        {
            Assert.True(post.TryGetProperty("requestBody", out _), $"{path} documents its body");
            Assert.True(post.GetProperty("responses").TryGetProperty("422", out _) || path == "/imports", $"{path} documents 422");
        }
    }
}
