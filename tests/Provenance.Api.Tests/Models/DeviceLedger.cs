using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Provenance.Api.Tests.Models;

/// <summary>
/// A marketed device model over REST (#18): two cleared Mercy EHR datasets and an external test
/// set under one IRB protocol; version 1.0 trained on the first, cleared by 510(k) K240001 with a
/// PCCP allowing retraining on new data from the same sources under that protocol and the second
/// dataset's license, with an acceptance criterion of AUROC ≥ 0.80 on adults.
/// </summary>
internal sealed class DeviceLedger(ApiFixture api)
{
    private readonly LineageBuilder _builder = new(api);

    public Guid Model { get; private set; }

    public Guid Original { get; private set; }

    public Guid NewData { get; private set; }

    public Guid TestData { get; private set; }

    public Guid Protocol { get; private set; }

    public Guid NewDataLicense { get; private set; }

    public static async Task<DeviceLedger> CreateAsync(ApiFixture api, bool withPlan = true)
    {
        var ledger = new DeviceLedger(api);
        await ledger.BuildAsync(withPlan);
        return ledger;
    }

    public Task<JsonElement> PostAsync(string path, object body, HttpStatusCode expected = HttpStatusCode.Created) => _builder.PostAsync(path, body, expected);

    public async Task<HttpResponseMessage> SendAsync(string path, object body) =>
        await api.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) });

    public Task<JsonElement> TrainAsync(string version, Guid input, string startedAt = "2024-05-02T08:00:00Z", string? overriding = null) =>
        PostAsync($"/models/{Model}/training-runs", new
        {
            modelVersion = version, inputs = new[] { new { datasetId = input, version = 1, fingerprint = LineageBuilder.Fingerprint } },
            startedAt, finishedAt = startedAt.Replace("T08", "T20", StringComparison.Ordinal), codeReference = "git:retrain",
            @override = overriding is null ? null : new { justification = overriding },
        });

    public Task<JsonElement> EvaluateAsync(string version, double value, Guid? data = null, HttpStatusCode expected = HttpStatusCode.Created, bool? heldOut = null, string source = "external") =>
        PostAsync($"/models/{Model}/versions/{version}/evaluations", new
        {
            metric = "AUROC", value, confidenceLow = value - 0.02, confidenceHigh = value + 0.02,
            data = new { datasetId = data ?? TestData, version = 1, fingerprint = LineageBuilder.Fingerprint }, source, heldOut,
            population = "adults", acceptance = new { threshold = 0.80, direction = "at-least" }, evaluator = "Mercy validation team", evaluatedOn = "2024-05-10",
        }, expected);

    private async Task BuildAsync(bool withPlan)
    {
        Original = await _builder.DatasetAsync("Mercy EHR 2019-2022");
        await _builder.ClearAsync(Original);
        NewData = await _builder.DatasetAsync("Mercy EHR 2023");
        await _builder.ClearAsync(NewData);
        TestData = await _builder.DatasetAsync("Lakeshore external test set");
        Protocol = await _builder.ProtocolAsync("IRB-24-001", [Original, NewData]);
        var licenses = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{NewData}");
        NewDataLicense = licenses.GetProperty("licenses")[0].GetProperty("granted").GetProperty("licenseId").GetGuid();
        Model = (await PostAsync("/models", new { name = "Lung nodule triage", owner = "Lakeshore AI", intendedUse = "CT triage", commercial = false })).GetProperty("id").GetGuid();
        await TrainAsync("1.0", Original, "2024-03-13T08:00:00Z");
        await PostAsync($"/models/{Model}/regulatory-status", new
        {
            status = "marketed-device", effectiveFrom = "2024-03-30",
            device = new
            {
                @class = "class-ii", pathway = "premarket-notification", submissionNumber = "K240001", productCode = "QIH", decisionDate = "2024-03-30",
                indicationsForUse = "Triage of chest CT studies with suspected lung nodules.", authorizedVersion = "1.0",
            },
        });
        if (withPlan)
        {
            await PostAsync($"/models/{Model}/change-control-plans", new
            {
                submissionNumber = "K240001", authorizedOn = "2024-03-30",
                modifications = new[] { new { kind = "retraining-on-new-data", description = "Retraining on new studies from the same sites." } },
                dataManagement = new { irbProtocolIds = new[] { Protocol }, licenseIds = new[] { NewDataLicense }, referenceStandard = "Consensus of two radiologists." },
                acceptanceCriteria = new[] { new { metric = "AUROC", population = "adults", threshold = 0.80, direction = "at-least" } },
            });
        }
    }
}
