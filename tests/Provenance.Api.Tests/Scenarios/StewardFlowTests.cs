using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Provenance.Domain.Access;
using Provenance.Domain.Datasets.ContributingVersion;

namespace Provenance.Api.Tests.Scenarios;

/// <summary>A steward's day over REST: a dataset, its version, decision, license and IRB approval, then a training run.</summary>
public sealed class StewardFlowTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] AllIdentifiers =
    [
        "names", "geographic-subdivisions", "dates", "telephone-numbers", "fax-numbers", "email-addresses", "social-security-numbers",
        "medical-record-numbers", "health-plan-beneficiary-numbers", "account-numbers", "certificate-license-numbers", "vehicle-identifiers",
        "device-identifiers", "urls", "ip-addresses", "biometric-identifiers", "full-face-photographs", "other-unique-identifiers",
    ];

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private async Task<JsonElement> PostAsync(string path, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var response = await api.Client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A dataset with version 1, an approved Safe Harbor decision and a training license; returns (id, fingerprint).</summary>
    internal async Task<(Guid Id, string Fingerprint)> ClearedDatasetAsync()
    {
        var dataset = await PostAsync("/datasets", Requests.ValidDataset());
        var id = dataset.GetProperty("id").GetGuid();
        var files = new[] { new ManifestFile("notes/part-0.parquet", 1_048_576, Sha("part-0")), new ManifestFile("notes/part-1.parquet", 524_288, Sha("part-1")) };
        var fingerprint = Manifest.Fingerprint(files);
        var version = await PostAsync($"/datasets/{id}/versions", new
        {
            files = files.Select(f => new { path = f.Path, byteSize = f.ByteSize, sha256 = f.Sha256 }),
            recordCount = 120_000,
            fingerprint,
            storageUri = "s3://lakeshore-research/ehr/2024-01/",
            contributedAt = "2024-01-10T09:00:00Z",
        });
        Assert.Equal($"/datasets/{id}/versions/1", version.GetProperty("location").GetString());
        await PostAsync($"/datasets/{id}/versions/1/deidentification-decisions", new
        {
            method = "safe-harbor",
            safeHarbor = new { identifiers = AllIdentifiers.Select(i => new { identifier = i, treatment = "removed" }), noActualKnowledge = true },
            outcome = "approved",
            decidedBy = "Maria Chen, Privacy Officer",
            decidedAt = "2024-01-15T10:00:00Z",
        });
        await PostAsync($"/datasets/{id}/licenses", new
        {
            kind = "data-use-agreement",
            parties = new[] { "Lakeshore Health System", "Acme AI" },
            territory = "US",
            effectiveOn = "2024-01-01",
            terms = new { permittedUses = new[] { "research", "model-training" }, prohibitions = new[] { "reidentification" }, documentReference = "DUA-2024-007", documentSha256 = Sha("dua") },
        });
        return (id, fingerprint);
    }

    internal async Task<Guid> IrbAsync(Guid datasetId, string? expiresOn)
    {
        var protocol = await PostAsync("/irb/protocols", new
        {
            irbName = "Lakeshore Health IRB",
            irbRegistration = "IRB00001234",
            protocolNumber = "21-004512",
            title = "Foundation model pretraining on de-identified EHR",
            principalInvestigator = "Dr. Alice Moreno",
            reviewType = "expedited",
            approvedOn = "2024-01-05",
            consentBasis = "waiver-or-alteration",
            terms = new { expiresOn, permittedUses = new[] { "research", "model-training" }, coveredDatasetIds = new[] { datasetId } },
        });
        return protocol.GetProperty("id").GetGuid();
    }

    internal async Task<Guid> ModelAsync() =>
        (await PostAsync("/models", new { name = "Clinical summarizer", owner = "Acme AI", intendedUse = "Draft discharge summaries for clinician review", commercial = false }))
            .GetProperty("id").GetGuid();

    internal static object Run(Guid datasetId, string fingerprint, string startedAt, object? @override = null) => new
    {
        modelVersion = "1.0.0",
        inputs = new[] { new { datasetId, version = 1, fingerprint } },
        startedAt,
        finishedAt = DateTimeOffset.Parse(startedAt, System.Globalization.CultureInfo.InvariantCulture).AddDays(2),
        codeReference = "git:acme/summarizer@4f2a9c1",
        notes = "pretraining",
        @override,
    };

    [Fact]
    public async Task A_run_on_cleared_data_is_recorded_and_the_model_version_can_be_released()
    {
        var (datasetId, fingerprint) = await ClearedDatasetAsync();
        await IrbAsync(datasetId, expiresOn: "2025-12-31");
        var modelId = await ModelAsync();

        var run = await PostAsync($"/models/{modelId}/training-runs", Run(datasetId, fingerprint, "2024-03-13T08:00:00Z"));
        await PostAsync($"/models/{modelId}/versions/1.0.0/release", new { notes = "first release" }, HttpStatusCode.OK);

        Assert.StartsWith($"/models/{modelId}/training-runs/", run.GetProperty("location").GetString(), StringComparison.Ordinal);
        var model = await api.Client.GetFromJsonAsync<JsonElement>($"/models/{modelId}");
        var version = model.GetProperty("versions")[0];
        Assert.Equal("released", version.GetProperty("status").GetString());
        Assert.Equal(fingerprint, version.GetProperty("runs")[0].GetProperty("recorded").GetProperty("inputs")[0].GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task A_run_on_data_whose_irb_approval_expired_is_refused_with_the_finding_and_writes_nothing()
    {
        var (datasetId, fingerprint) = await ClearedDatasetAsync();
        await IrbAsync(datasetId, expiresOn: "2024-03-01");
        var modelId = await ModelAsync();
        var before = await api.CountEventsAsync();

        var problem = await PostAsync($"/models/{modelId}/training-runs", Run(datasetId, fingerprint, "2024-03-13T08:00:00Z"), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("urn:provenance:problem:rule-violated", problem.GetProperty("type").GetString());
        var violation = Assert.Single(problem.GetProperty("violations").EnumerateArray());
        Assert.Equal("irb-expired", violation.GetProperty("code").GetString());
        Assert.Equal("IRB protocol 21-004512 expired 2024-03-01, 12 days before 2024-03-13.", violation.GetProperty("reason").GetString());
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task An_override_from_a_caller_who_is_not_an_administrator_is_refused()
    {
        var (datasetId, fingerprint) = await ClearedDatasetAsync();
        await IrbAsync(datasetId, expiresOn: "2024-03-01");
        var modelId = await ModelAsync();
        var steward = await api.ClientAsync(Role.Steward);
        var before = await api.CountEventsAsync();

        using var response = await steward.PostAsJsonAsync($"/models/{modelId}/training-runs",
            Run(datasetId, fingerprint, "2024-03-13T08:00:00Z", new { justification = "continuing review approved, paperwork pending" }));
        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "rule-violated");

        Assert.Equal("override-not-permitted", problem.GetProperty("violations")[0].GetProperty("code").GetString());
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_fingerprint_that_does_not_match_the_manifest_is_refused()
    {
        var dataset = await PostAsync("/datasets", Requests.ValidDataset());
        var id = dataset.GetProperty("id").GetGuid();

        var problem = await PostAsync($"/datasets/{id}/versions", new
        {
            files = new[] { new { path = "a.csv", byteSize = 10, sha256 = Sha("a") } },
            recordCount = 10,
            fingerprint = "sha256:" + Sha("something else"),
            storageUri = "s3://bucket/a/",
        }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("fingerprint-mismatch", problem.GetProperty("violations")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_clearance_of_a_version_explains_what_is_missing()
    {
        var (datasetId, _) = await ClearedDatasetAsync();

        var clearance = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{datasetId}/versions/1/clearance?on=2024-03-13");

        Assert.False(clearance.GetProperty("cleared").GetBoolean());
        Assert.Equal("irb-missing", clearance.GetProperty("findings")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_write_with_a_stale_if_match_is_a_412_and_writes_nothing()
    {
        var (datasetId, _) = await ClearedDatasetAsync();
        var before = await api.CountEventsAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/datasets/{datasetId}/versions/1/quarantine")
        {
            Content = JsonContent.Create(new { reason = "burned-in annotations found on 3 series" }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");

        using var response = await api.Client.SendAsync(request);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.PreconditionFailed, "precondition-failed");
        Assert.Equal(4, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Bug_14_every_loser_of_a_race_under_the_same_if_match_gets_a_412()
    {
        var (datasetId, _) = await ClearedDatasetAsync();
        var before = await api.CountEventsAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/datasets/{datasetId}/versions/1/quarantine")
            {
                Content = JsonContent.Create(new { reason = $"race {i}" }),
            };
            request.Headers.TryAddWithoutValidation("If-Match", "\"4\"");
            using var response = await api.Client.SendAsync(request);
            return response.StatusCode;
        }));

        Assert.Single(answers, s => s == HttpStatusCode.OK);
        Assert.All(answers.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.PreconditionFailed, s));
        Assert.Equal(before + 1, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_write_with_the_current_if_match_succeeds_and_returns_the_new_etag()
    {
        var (datasetId, _) = await ClearedDatasetAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/datasets/{datasetId}/versions/1/quarantine")
        {
            Content = JsonContent.Create(new { reason = "burned-in annotations found on 3 series" }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "\"4\"");

        using var response = await api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"5\"", response.Headers.ETag!.Tag);
    }
}

public sealed class ClearanceOverrideTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task An_administrator_override_records_the_run_followed_by_the_override_with_its_findings()
    {
        var flow = new StewardFlowTests(api);
        var (datasetId, fingerprint) = await flow.ClearedDatasetAsync();
        await flow.IrbAsync(datasetId, expiresOn: "2024-03-01");
        var modelId = await flow.ModelAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/models/{modelId}/training-runs")
        {
            Content = JsonContent.Create(StewardFlowTests.Run(datasetId, fingerprint, "2024-03-13T08:00:00Z", new { justification = "continuing review approved 2024-02-27; entry delayed" })),
        };

        using var response = await api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var history = await api.Client.GetFromJsonAsync<JsonElement>($"/models/{modelId}/events");
        var types = history.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray();
        Assert.Equal(["model.registered", "model.training-run-recorded", "model.training-clearance-overridden"], types);
        var overridden = history.GetProperty("items")[2];
        Assert.Equal("admin", overridden.GetProperty("metadata").GetProperty("actorRole").GetString());
        Assert.Equal("irb-expired", overridden.GetProperty("data").GetProperty("findings")[0].GetProperty("code").GetString());
        Assert.Equal(datasetId, overridden.GetProperty("data").GetProperty("findings")[0].GetProperty("version").GetProperty("datasetId").GetGuid());
        var model = await api.Client.GetFromJsonAsync<JsonElement>($"/models/{modelId}");
        Assert.Equal("continuing review approved 2024-02-27; entry delayed",
            model.GetProperty("versions")[0].GetProperty("runs")[0].GetProperty("override").GetProperty("justification").GetString());
    }
}
