using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Provenance.Api.Tests.Models;

/// <summary>The model side over HTTP (#18): the release gate, the held-out rule, validation, and what the API answers.</summary>
public sealed class RegulatoryApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string[] Codes(JsonElement problem) => [.. problem.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("code").GetString()!)];

    private async Task<long> StreamVersionAsync(Guid model)
    {
        using var response = await api.Client.GetAsync($"/models/{model}");
        return long.Parse(response.Headers.ETag!.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_device_version_within_its_pccp_is_released()
    {
        var ledger = await DeviceLedger.CreateAsync(api);
        await ledger.TrainAsync("1.1", ledger.NewData);
        await ledger.EvaluateAsync("1.1", 0.86);

        await ledger.PostAsync($"/models/{ledger.Model}/versions/1.1/release", new { notes = "within the PCCP" }, HttpStatusCode.OK);

        var review = await api.Client.GetFromJsonAsync<JsonElement>($"/models/{ledger.Model}/versions/1.1/change-control");
        Assert.True(review.GetProperty("applies").GetBoolean());
        Assert.Empty(review.GetProperty("findings").EnumerateArray());
        Assert.Contains("K240001", review.GetProperty("basis").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_version_outside_its_pccp_is_refused_with_every_finding_and_nothing_is_written_until_an_administrator_overrides()
    {
        var ledger = await DeviceLedger.CreateAsync(api);
        await ledger.EvaluateAsync("1.0", 0.90);
        await ledger.TrainAsync("1.1", ledger.TestData, overriding: "test ledger: the external test set is trained on deliberately");
        await ledger.EvaluateAsync("1.1", 0.70, data: ledger.Original);
        var before = await StreamVersionAsync(ledger.Model);

        using var refused = await ledger.SendAsync($"/models/{ledger.Model}/versions/1.1/release", new { modifications = new[] { "architecture-change" } });

        var problem = await Problems.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "rule-violated");
        var codes = Codes(problem);
        Assert.Contains("pccp-input-not-cleared", codes);
        Assert.Contains("pccp-protocol-not-listed", codes);
        Assert.Contains("pccp-license-not-listed", codes);
        Assert.Contains("pccp-test-data-in-training", codes);
        Assert.Contains("pccp-criterion-not-met", codes);
        Assert.Contains("pccp-modification-not-described", codes);
        Assert.Equal(before, await StreamVersionAsync(ledger.Model));

        await ledger.PostAsync($"/models/{ledger.Model}/versions/1.1/release",
            new { modifications = new[] { "architecture-change" }, @override = new { justification = "New 510(k) filed; released to the pilot site only." } }, HttpStatusCode.OK);

        var version = await api.Client.GetFromJsonAsync<JsonElement>($"/models/{ledger.Model}/versions/1.1");
        Assert.Equal("released", version.GetProperty("status").GetString());
        var overridden = version.GetProperty("releaseOverride");
        Assert.Equal(codes, overridden.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!).ToArray());
        Assert.Equal(before + 2, await StreamVersionAsync(ledger.Model));
    }

    [Fact]
    public async Task A_device_version_without_a_plan_needs_a_new_submission()
    {
        var ledger = await DeviceLedger.CreateAsync(api, withPlan: false);
        await ledger.TrainAsync("1.1", ledger.NewData);

        using var refused = await ledger.SendAsync($"/models/{ledger.Model}/versions/1.1/release", new { });

        Assert.Equal(["pccp-missing"], Codes(await Problems.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "rule-violated")));
    }

    [Fact]
    public async Task An_evaluation_on_training_data_is_refused_as_not_held_out_unless_flagged_internal()
    {
        var ledger = await DeviceLedger.CreateAsync(api);

        using var refused = await ledger.SendAsync($"/models/{ledger.Model}/versions/1.0/evaluations", new
        {
            metric = "AUROC", value = 0.97, data = new { datasetId = ledger.Original, version = 1, fingerprint = LineageBuilder.Fingerprint }, source = "internal",
            population = "adults", evaluator = "dev team", evaluatedOn = "2024-03-20",
        });

        Assert.Equal(["not-held-out"], Codes(await Problems.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "rule-violated")));
        var flagged = await ledger.EvaluateAsync("1.0", 0.97, data: ledger.Original, heldOut: false, source: "internal");
        Assert.Equal(ledger.Model, flagged.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_submission_number_must_match_its_pathway_and_a_product_code_is_three_capitals()
    {
        var ledger = await DeviceLedger.CreateAsync(api, withPlan: false);

        using var refused = await ledger.SendAsync($"/models/{ledger.Model}/regulatory-status", new
        {
            status = "marketed-device", effectiveFrom = "2024-04-01",
            device = new { @class = "class-ii", pathway = "de-novo", submissionNumber = "K240001", productCode = "qih", decisionDate = "2024-03-30", indicationsForUse = "x", authorizedVersion = "1.0" },
        });

        var problem = await Problems.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Contains("DEN and 6 digits", Problems.Reasons(problem, "device.submissionNumber")[0], StringComparison.Ordinal);
        Assert.Contains("three-letter product code", Problems.Reasons(problem, "device.productCode")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_card_validates_against_the_chai_v0_2_schema_and_derives_what_the_ledger_knows()
    {
        var ledger = await DeviceLedger.CreateAsync(api);
        await ledger.EvaluateAsync("1.0", 0.88);

        using var response = await api.Client.GetAsync($"/models/{ledger.Model}/versions/1.0/model-card");
        var xml = await response.Content.ReadAsStringAsync();

        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(ModelCardSchema.Validate(xml));
        var card = ModelCardSchema.Parse(xml);
        string Field(string name) => card.Descendants().Single(e => e.Name.LocalName == name).Value;
        Assert.Contains("510(k) K240001", Field("RegulatoryApproval"), StringComparison.Ordinal);
        Assert.Contains("Mercy EHR 2019-2022", Field("InputDataSource"), StringComparison.Ordinal);
        Assert.Contains("not PHI", Field("InputDataSource"), StringComparison.Ordinal);
        Assert.Contains("predetermined change control plan", Field("OngoingMaintenance"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"estimate\":0.88", card.Descendants().First(e => e.Name.LocalName == "ValueJson").Value, StringComparison.Ordinal);
        Assert.Contains("Ledger positions: ", Field("Bibliography"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_disclosure_answers_every_question_citing_positions_of_the_log()
    {
        var ledger = await DeviceLedger.CreateAsync(api);

        var disclosure = await api.Client.GetFromJsonAsync<JsonElement>($"/models/{ledger.Model}/versions/1.0/disclosure");

        Assert.Equal("provenance-procurement-disclosure/1", disclosure.GetProperty("format").GetString());
        var sections = disclosure.GetProperty("sections").EnumerateArray().ToList();
        Assert.Equal(
            ["training-data-governance", "deidentification-methodology", "irb-approvals-and-consent", "license-and-baa-scope", "consent-withdrawals", "fda-status",
             "change-control", "input-clearance", "performance", "monitoring-findings"],
            sections.Select(s => s.GetProperty("id").GetString()));
        Assert.All(sections, s => Assert.NotEmpty(s.GetProperty("answers").EnumerateArray()));
        var head = disclosure.GetProperty("ledgerPosition").GetInt64();
        var cited = sections.SelectMany(s => s.GetProperty("answers").EnumerateArray()).SelectMany(a => a.GetProperty("citations").EnumerateArray()).Select(c => c.GetInt64()).ToList();
        Assert.NotEmpty(cited);
        Assert.All(cited, p => Assert.InRange(p, 1, head));
        var irb = sections.Single(s => s.GetProperty("id").GetString() == "irb-approvals-and-consent").GetProperty("answers")[0].GetProperty("text").GetString();
        Assert.Contains("waiver-or-alteration", irb, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_card_and_disclosure_render_as_pages_with_their_own_strict_csp()
    {
        var ledger = await DeviceLedger.CreateAsync(api);

        foreach (var document in new[] { "model-card", "disclosure" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/models/{ledger.Model}/versions/1.0/{document}");
            request.Headers.Accept.ParseAdd("text/html");
            using var response = await api.Client.SendAsync(request);
            var html = await response.Content.ReadAsStringAsync();

            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Lung nodule triage", html, StringComparison.Ordinal);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.StartsWith("default-src 'none'; style-src 'sha256-", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_plan_lists_protocols_that_exist_and_licenses_of_the_datasets_they_cover()
    {
        var ledger = await DeviceLedger.CreateAsync(api, withPlan: false);
        var missingProtocol = Guid.NewGuid();
        var before = await StreamVersionAsync(ledger.Model);

        using var refused = await ledger.SendAsync($"/models/{ledger.Model}/change-control-plans", new
        {
            submissionNumber = "K240001", authorizedOn = "2024-03-30",
            modifications = new[] { new { kind = "retraining-on-new-data", description = "d" } },
            dataManagement = new { irbProtocolIds = new[] { ledger.Protocol, missingProtocol }, licenseIds = new[] { Guid.NewGuid() }, referenceStandard = "r" },
            acceptanceCriteria = new[] { new { metric = "AUROC", population = "adults", threshold = 0.8, direction = "at-least" } },
        });

        var problem = await Problems.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "rule-violated");
        Assert.Equal(["unknown-protocol", "unknown-license"], Codes(problem));
        Assert.Contains(missingProtocol.ToString(), Problems.Reasons(problem, "dataManagement.irbProtocolIds")[0], StringComparison.Ordinal);
        Assert.Equal(before, await StreamVersionAsync(ledger.Model));
    }

    [Fact]
    public async Task A_cds_criterion_is_one_of_the_four_and_attested_once_and_a_device_block_belongs_to_a_device()
    {
        var ledger = await DeviceLedger.CreateAsync(api, withPlan: false);

        using var refused = await ledger.SendAsync($"/models/{ledger.Model}/regulatory-status", new
        {
            status = "non-device-cds", effectiveFrom = "2024-04-01",
            cdsCriteria = new[] { new { criterion = 5, justification = "j" }, new { criterion = 2, justification = "j" }, new { criterion = 2, justification = "again" } },
            device = new { @class = "class-ii", pathway = "exempt", productCode = "QIH", decisionDate = "2024-03-30", indicationsForUse = "x", authorizedVersion = "1.0" },
        });

        var problem = await Problems.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Contains("must be 1, 2, 3 or 4", Problems.Reasons(problem, "cdsCriteria[0].criterion")[0], StringComparison.Ordinal);
        Assert.Contains("attested twice", Problems.Reasons(problem, "cdsCriteria[2].criterion")[0], StringComparison.Ordinal);
        Assert.Contains("belongs to a marketed-device status", Problems.Reasons(problem, "device")[0], StringComparison.Ordinal);
    }
}
