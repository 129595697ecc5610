using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Testing;

namespace Provenance.Api.Tests;

/// <summary>Builds ledgers over REST (as an administrator, <see cref="ApiFixture.Client"/>, so runs on uncleared data can be recorded) and asks lineage questions.</summary>
public sealed class LineageBuilder(ApiFixture api)
{
    private static readonly ManifestFile[] Files = [new("part-0.parquet", 10, new string('a', 64))];
    public static readonly string Fingerprint = Manifest.Fingerprint(Files);

    public async Task<JsonElement> PostAsync(string path, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        using var response = await api.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<Guid> DatasetAsync(string name, params (Guid Id, string Transformation)[] parents)
    {
        var id = (await PostAsync("/datasets", Requests.ValidDataset(name))).GetProperty("id").GetGuid();
        await PostAsync($"/datasets/{id}/versions", new
        {
            files = Files.Select(f => new { path = f.Path, byteSize = f.ByteSize, sha256 = f.Sha256 }), recordCount = 10, fingerprint = Fingerprint,
            storageUri = "s3://bucket/x/", contributedAt = "2024-01-02T00:00:00Z",
            derivedFrom = parents.Length == 0 ? null : new
            {
                parents = parents.Select(p => new { datasetId = p.Id, version = 1 }), transformation = parents[0].Transformation, codeReference = "git:x",
            },
        });
        return id;
    }

    public async Task ClearAsync(Guid dataset)
    {
        await PostAsync($"/datasets/{dataset}/versions/1/deidentification-decisions", new
        {
            method = "not-phi", notPhi = new { justification = "synthetic" }, outcome = "approved", decidedBy = "PO", decidedAt = "2024-01-03T00:00:00Z",
        });
        await PostAsync($"/datasets/{dataset}/licenses", new
        {
            kind = "data-use-agreement", parties = new[] { "A" }, territory = "US", effectiveOn = "2024-01-01",
            terms = new { permittedUses = new[] { "model-training" }, documentReference = "DUA", documentSha256 = new string('e', 64) },
        });
    }

    public async Task<Guid> ProtocolAsync(string number, IEnumerable<Guid> datasets, string? expiresOn = null) =>
        (await PostAsync("/irb/protocols", new
        {
            irbName = "IRB", irbRegistration = "IRB0001", protocolNumber = number, title = "t", principalInvestigator = "pi", reviewType = "expedited",
            approvedOn = "2024-01-01", consentBasis = "waiver-or-alteration",
            terms = new { expiresOn, permittedUses = new[] { "model-training" }, coveredDatasetIds = datasets },
        })).GetProperty("id").GetGuid();

    public async Task<Guid> ModelTrainedOnAsync(IEnumerable<Guid> inputs, string startedAt = "2024-03-13T08:00:00Z")
    {
        var model = (await PostAsync("/models", new { name = "m", owner = "o", intendedUse = "u", commercial = false })).GetProperty("id").GetGuid();
        await PostAsync($"/models/{model}/training-runs", new
        {
            modelVersion = "1.0", inputs = inputs.Select(d => new { datasetId = d, version = 1, fingerprint = Fingerprint }),
            startedAt, finishedAt = "2024-03-14T08:00:00Z", codeReference = "git:x",
            @override = new { justification = "test ledger" },
        });
        return model;
    }

    public Task<JsonElement> LineageAsync(Guid model, string? asOf = null) =>
        api.Client.GetFromJsonAsync<JsonElement>($"/models/{model}/versions/1.0/lineage" + (asOf is null ? "" : $"?asOf={Uri.EscapeDataString(asOf)}"));

    public static JsonElement Node(JsonElement lineage, Guid dataset) =>
        lineage.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == $"dataset-version:{dataset}@1");

    public static string[] Edges(JsonElement graph, string relation) =>
        graph.GetProperty("edges").EnumerateArray().Where(e => e.GetProperty("relation").GetString() == relation)
            .Select(e => e.GetProperty("from").GetString() + " -> " + e.GetProperty("to").GetString()).Order().ToArray();
}
