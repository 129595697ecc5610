using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Provenance.Api.Tests.BulkImport;

public sealed class ListingTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<Guid> RegisterAsync(string name, string institution, string modality)
    {
        var body = JsonSerializer.SerializeToNode(Requests.ValidDataset(name))!.AsObject();
        body["sourceInstitution"] = institution;
        body["modality"] = modality;
        using var response = await api.Client.PostAsync("/datasets", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Datasets_are_filtered_by_institution_modality_and_status_and_paged_by_cursor()
    {
        var institution = "Institution " + Guid.NewGuid().ToString("N")[..8];
        var ct1 = await RegisterAsync("CT one", institution, "imaging-ct");
        var notes = await RegisterAsync("Notes", institution, "clinical-notes");
        var ct2 = await RegisterAsync("CT two", institution, "imaging-ct");
        using (var retire = await api.Client.PostAsJsonAsync($"/datasets/{ct2}/retirement", new { reason = "superseded by a re-scrubbed extract" }))
        {
            Assert.Equal(HttpStatusCode.OK, retire.StatusCode);
        }

        var all = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets?institution={Uri.EscapeDataString(institution)}");
        var ct = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets?institution={Uri.EscapeDataString(institution)}&modality=imaging-ct&status=active");
        var retired = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets?institution={Uri.EscapeDataString(institution)}&status=retired");
        var first = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets?institution={Uri.EscapeDataString(institution)}&limit=2");
        var second = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets?institution={Uri.EscapeDataString(institution)}&limit=2&after={first.GetProperty("next").GetString()}");

        Guid[] Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToArray();
        Assert.Equal([ct1, notes, ct2], Ids(all));
        Assert.Equal([ct1], Ids(ct));
        Assert.Equal([ct2], Ids(retired));
        Assert.Equal("retired", retired.GetProperty("items")[0].GetProperty("status").GetString());
        Assert.Equal([ct1, notes], Ids(first));
        Assert.Equal([ct2], Ids(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Datasets_are_found_by_a_part_of_their_name_in_any_case_with_wildcards_taken_literally()
    {
        var institution = "Institution " + Guid.NewGuid().ToString("N")[..8];
        var chest = await RegisterAsync("Chest CT, 100% de-identified", institution, "imaging-ct");
        var head = await RegisterAsync("Head CT under_review", institution, "imaging-ct");
        await RegisterAsync("Cardiology notes", institution, "clinical-notes");

        async Task<Guid[]> FindAsync(string name) =>
            (await api.Client.GetFromJsonAsync<JsonElement>($"/datasets?institution={Uri.EscapeDataString(institution)}&name={Uri.EscapeDataString(name)}"))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToArray();

        Assert.Equal([chest, head], await FindAsync("ct"));
        Assert.Equal([chest], await FindAsync("CHEST"));
        Assert.Equal([chest], await FindAsync("100%"));
        Assert.Empty(await FindAsync("100%_"));
        Assert.Equal([head], await FindAsync("under_review"));
        Assert.Empty(await FindAsync("under%review"));
    }

    [Theory]
    [InlineData("name", new[] { 1, 2, 3, 0 })]
    [InlineData("-name", new[] { 0, 3, 2, 1 })]
    [InlineData("-registered", new[] { 3, 2, 1, 0 })]
    [InlineData("registered", new[] { 0, 1, 2, 3 })]
    public async Task Datasets_are_sorted_on_the_server_and_paged_one_at_a_time_in_that_order(string sort, int[] expected)
    {
        // Two of the same name: their tie falls to registration order, reversed with the order.
        var institution = "Institution " + Guid.NewGuid().ToString("N")[..8];
        Guid[] registered =
        [
            await RegisterAsync("Delta", institution, "imaging-ct"), await RegisterAsync("Alpha", institution, "imaging-ct"),
            await RegisterAsync("Bravo", institution, "imaging-ct"), await RegisterAsync("Bravo", institution, "imaging-ct"),
        ];
        var seen = new List<Guid>();
        string? after = null;
        do
        {
            var page = await api.Client.GetFromJsonAsync<JsonElement>(
                $"/datasets?institution={Uri.EscapeDataString(institution)}&sort={sort}&limit=1" + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}"));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            after = page.GetProperty("next").GetString();
        }
        while (after is not null && seen.Count < 10);

        Assert.Equal(expected.Select(i => registered[i]), seen);
    }

    [Fact]
    public async Task An_unknown_sort_or_a_cursor_of_another_order_is_a_422_naming_it()
    {
        using var sort = await api.Client.GetAsync("/datasets?sort=size");
        Assert.Single(Problems.Reasons(await Problems.AssertAsync(sort, HttpStatusCode.UnprocessableEntity, "validation-failed"), "sort"));
        using var cursor = await api.Client.GetAsync("/datasets?sort=name&after=12");
        Assert.Single(Problems.Reasons(await Problems.AssertAsync(cursor, HttpStatusCode.UnprocessableEntity, "validation-failed"), "after"));
        using var protocols = await api.Client.GetAsync("/irb/protocols?sort=-title");
        Assert.Single(Problems.Reasons(await Problems.AssertAsync(protocols, HttpStatusCode.UnprocessableEntity, "validation-failed"), "sort"));
    }

    [Fact]
    public async Task Protocols_are_sorted_by_number_on_the_server_and_paged_in_that_order()
    {
        var builder = new LineageBuilder(api);
        var dataset = await builder.DatasetAsync("Sorted protocols");
        var prefix = "SP-" + Guid.NewGuid().ToString("N")[..6] + "-";
        Guid[] approved = [await builder.ProtocolAsync(prefix + "C", [dataset]), await builder.ProtocolAsync(prefix + "A", [dataset]), await builder.ProtocolAsync(prefix + "B", [dataset])];

        async Task<List<Guid>> AllAsync(string sort)
        {
            var seen = new List<Guid>();
            string? after = null;
            do
            {
                var page = await api.Client.GetFromJsonAsync<JsonElement>($"/irb/protocols?sort={sort}&limit=2" + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}"));
                seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).Where(approved.Contains));
                after = page.GetProperty("next").GetString();
            }
            while (after is not null);
            return seen;
        }

        Assert.Equal([approved[1], approved[2], approved[0]], await AllAsync("protocolNumber"));
        Assert.Equal([approved[0], approved[2], approved[1]], await AllAsync("-protocolNumber"));
        Assert.Equal(approved.Reverse(), await AllAsync("-approved"));
    }

    [Fact]
    public async Task An_unknown_filter_value_is_a_422_naming_it()
    {
        using var response = await api.Client.GetAsync("/datasets?modality=x-ray&limit=9999");

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Single(Problems.Reasons(problem, "modality"));
        Assert.Single(Problems.Reasons(problem, "limit"));
    }
}

public sealed class BulkImportTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string Line(object line) => JsonSerializer.Serialize(line);

    private async Task<List<JsonElement>> ImportAsync(string ndjson, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/imports") { Content = new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var response = await api.Client.SendAsync(request);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        return await Imports.ResultsAsync(response);
    }

    [Fact]
    public async Task Each_line_is_answered_on_its_own_and_a_bad_line_writes_nothing()
    {
        var before = await api.CountEventsAsync();
        var ndjson = string.Join('\n',
            Line(new { command = "register-dataset", body = Requests.ValidDataset("Import A") }),
            "{ not json",
            Line(new { command = "register-dataset", body = new { name = "missing everything else" } }),
            "",
            Line(new { command = "register-dataset", body = Requests.ValidDataset("Import B") }),
            Line(new { command = "launch-rocket", body = new { } }));

        var results = await ImportAsync(ndjson);

        Assert.Equal([1L, 2L, 3L, 5L, 6L], results.Select(r => r.GetProperty("line").GetInt64()));
        Assert.Equal([201, 400, 422, 201, 422], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.StartsWith("/datasets/", results[0].GetProperty("location").GetString(), StringComparison.Ordinal);
        Assert.True(results[2].GetProperty("problem").GetProperty("errors").TryGetProperty("steward", out _));
        Assert.True(results[4].GetProperty("problem").GetProperty("errors").TryGetProperty("command", out _));
        Assert.Equal(before + 2, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Re_sending_an_import_with_the_same_key_writes_nothing_twice()
    {
        var key = Guid.NewGuid().ToString();
        var ndjson = string.Join('\n',
            Line(new { command = "register-dataset", body = Requests.ValidDataset("Retry A") }),
            Line(new { command = "register-dataset", body = Requests.ValidDataset("Retry B") }));
        var first = await ImportAsync(ndjson, key);
        var before = await api.CountEventsAsync();

        var again = await ImportAsync(ndjson, key);

        Assert.Equal(before, await api.CountEventsAsync());
        Assert.Equal(first.Select(r => r.GetProperty("id").GetGuid()), again.Select(r => r.GetProperty("id").GetGuid()));
        Assert.All(again, r => Assert.True(r.GetProperty("replayed").GetBoolean()));
    }

    [Fact]
    public async Task Lines_can_contribute_versions_to_existing_datasets()
    {
        var created = await ImportAsync(Line(new { command = "register-dataset", body = Requests.ValidDataset("Versioned") }));
        var id = created[0].GetProperty("id").GetGuid();
        var files = new[] { new Domain.Datasets.ContributingVersion.ManifestFile("a.parquet", 5, new string('d', 64)) };

        var results = await ImportAsync(Line(new
        {
            command = "contribute-version",
            datasetId = id,
            body = new { files = files.Select(f => new { path = f.Path, byteSize = f.ByteSize, sha256 = f.Sha256 }), recordCount = 5,
                         fingerprint = Domain.Datasets.ContributingVersion.Manifest.Fingerprint(files), storageUri = "s3://bucket/versioned/" },
        }));

        Assert.Equal(201, results[0].GetProperty("status").GetInt32());
        Assert.Equal($"/datasets/{id}/versions/1", results[0].GetProperty("location").GetString());
    }

    [Fact]
    public async Task An_import_that_is_not_ndjson_is_a_415()
    {
        using var response = await api.Client.PostAsync("/imports", new StringContent("{}", Encoding.UTF8, "application/json"));

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }
}

public sealed class ImportPartsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_part_of_a_file_numbers_its_lines_from_first_line_and_keys_them_as_in_the_whole_file()
    {
        var key = Guid.NewGuid().ToString();
        var line = JsonSerializer.Serialize(new { command = "register-dataset", body = Requests.ValidDataset("Part") });
        var part = new HttpRequestMessage(HttpMethod.Post, "/imports?firstLine=7") { Content = new StringContent(line, Encoding.UTF8, "application/x-ndjson") };
        part.Headers.Add("Idempotency-Key", key);
        using var response = await api.Client.SendAsync(part);
        var result = Assert.Single(await Imports.ResultsAsync(response));

        Assert.Equal(7, result.GetProperty("line").GetInt64());
        var history = await api.Client.GetFromJsonAsync<JsonElement>($"{result.GetProperty("location").GetString()}/events");
        Assert.Equal($"{key}#7", history.GetProperty("items")[0].GetProperty("metadata").GetProperty("idempotencyKey").GetString());
    }

    [Fact]
    public async Task A_first_line_below_one_is_a_422()
    {
        using var response = await api.Client.PostAsync("/imports?firstLine=0", new StringContent("", Encoding.UTF8, "application/x-ndjson"));

        await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "validation-failed");
    }
}

/// <summary>Every kind of event the REST API records can be recorded through a bulk import too.</summary>
public sealed class ImportEveryEventKindTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private readonly List<string> _locations = [];

    private async Task<List<JsonElement>> ImportAsync(params object[] lines)
    {
        var ndjson = string.Join('\n', lines.Select(l => JsonSerializer.Serialize(l)));
        using var response = await api.Client.PostAsync("/imports", new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson"));
        var results = await Imports.ResultsAsync(response);
        Assert.All(results, r => Assert.True(r.GetProperty("status").GetInt32() is 200 or 201, r.ToString()));
        _locations.AddRange(results.Select(r => r.GetProperty("location").GetString()!));
        return results;
    }

    private static Guid Id(JsonElement result) => result.GetProperty("id").GetGuid();

    private static Guid Last(JsonElement result) => Guid.Parse(result.GetProperty("location").GetString()!.Split('/')[^1]);

    private static Dictionary<string, object> CardFacts()
    {
        var facts = new Dictionary<string, object> { ["keywords"] = new[] { "k" } };
        foreach (var member in new[]
                 {
                     "developerContact", "releaseStage", "globalAvailability", "summary", "intendedUseAndWorkflow", "primaryIntendedUsers", "howToUse",
                     "targetedPatientPopulation", "cautionedOutOfScopeSettings", "knownRisksAndLimitations", "knownBiasesOrEthicalConsiderations", "clinicalRiskLevel",
                     "outcomesAndOutputs", "modelType", "inputAndOutputDataTypes", "biasMitigationApproaches", "maintenancePlan", "fundingSource",
                     "stakeholdersConsulted", "publications",
                 })
        {
            facts[member] = "stated";
        }

        return facts;
    }

    [Fact]
    public async Task Every_command_can_be_imported()
    {
        var files = new[] { new Domain.Datasets.ContributingVersion.ManifestFile("a.parquet", 5, new string('d', 64)) };
        var version = new
        {
            files = files.Select(f => new { path = f.Path, byteSize = f.ByteSize, sha256 = f.Sha256 }), recordCount = 5,
            fingerprint = Domain.Datasets.ContributingVersion.Manifest.Fingerprint(files), storageUri = "s3://bucket/x/", contributedAt = "2024-01-02T00:00:00Z",
        };
        var terms = new { permittedUses = new[] { "research", "model-training" }, documentReference = "DUA", documentSha256 = new string('e', 64) };
        var dataset = Id((await ImportAsync(new { command = "register-dataset", body = Requests.ValidDataset() }))[0]);
        var stage2 = await ImportAsync(
            new { command = "contribute-version", datasetId = dataset, body = version },
            new { command = "decide-deidentification", datasetId = dataset, version = 1, body = new { method = "not-phi", notPhi = new { justification = "synthetic" }, outcome = "approved", decidedBy = "PO", decidedAt = "2024-01-03T00:00:00Z" } },
            new { command = "grant-license", datasetId = dataset, body = new { kind = "data-use-agreement", parties = new[] { "A" }, territory = "US", effectiveOn = "2024-01-01", terms } },
            new { command = "approve-irb-protocol", body = new { irbName = "IRB", irbRegistration = "IRB0001", protocolNumber = "P-1", title = "t", principalInvestigator = "pi", reviewType = "expedited", approvedOn = "2024-01-01", consentBasis = "informed-consent", terms = new { permittedUses = new[] { "model-training" }, coveredDatasetIds = new[] { dataset } } } },
            new { command = "register-model", body = new { name = "m", owner = "o", intendedUse = "u", commercial = false } });
        var (decision, license, protocol, model) = (Last(stage2[1]), Last(stage2[2]), Id(stage2[3]), Id(stage2[4]));
        await ImportAsync(
            new { command = "record-training-run", modelId = model, body = new { modelVersion = "1.0", inputs = new[] { new { datasetId = dataset, version = 1, fingerprint = version.fingerprint } }, startedAt = "2024-02-01T00:00:00Z", finishedAt = "2024-02-02T00:00:00Z", codeReference = "git:x" } },
            new { command = "release-model-version", modelId = model, modelVersion = "1.0", body = new { notes = "n" } },
            new { command = "withdraw-model-version", modelId = model, modelVersion = "1.0", body = new { reason = "r" } },
            new { command = "amend-license", datasetId = dataset, licenseId = license, body = new { effectiveOn = "2024-03-01", terms, summary = "s" } },
            new { command = "terminate-license", datasetId = dataset, licenseId = license, body = new { effectiveOn = "2024-04-01", reason = "r" } },
            new { command = "rescind-deidentification", datasetId = dataset, decisionId = decision, body = new { reason = "r" } },
            new { command = "withdraw-consent", datasetId = dataset, version = 1, body = new { subjectCount = 1, effectiveOn = "2024-05-01", requiredActions = new[] { "exclude-from-future-training" } } },
            new { command = "quarantine-version", datasetId = dataset, version = 1, body = new { reason = "r" } },
            new { command = "release-version", datasetId = dataset, version = 1, body = new { reason = "r" } },
            new { command = "retire-dataset", datasetId = dataset, body = new { reason = "r" } },
            new { command = "amend-irb-protocol", protocolId = protocol, body = new { effectiveOn = "2024-02-01", terms = new { permittedUses = new[] { "research" }, coveredDatasetIds = new[] { dataset } }, summary = "s" } },
            new { command = "suspend-irb-protocol", protocolId = protocol, body = new { effectiveOn = "2024-03-01", reason = "r" } },
            new { command = "reinstate-irb-protocol", protocolId = protocol, body = new { effectiveOn = "2024-03-02", reason = "r" } },
            new { command = "terminate-irb-protocol", protocolId = protocol, body = new { effectiveOn = "2024-03-03", reason = "r" } });
        var protocol2 = Id((await ImportAsync(new { command = "approve-irb-protocol", body = new { irbName = "IRB", irbRegistration = "IRB0001", protocolNumber = "P-2", title = "t", principalInvestigator = "pi", reviewType = "exempt", exemptCategory = 4, approvedOn = "2024-01-01", consentBasis = "broad-consent", terms = new { permittedUses = new[] { "model-training" }, coveredDatasetIds = new[] { dataset } } } }))[0]);
        await ImportAsync(new { command = "close-irb-protocol", protocolId = protocol2, body = new { effectiveOn = "2024-06-01", reason = "done" } });
        // #18: the model side.
        await ImportAsync(
            new { command = "record-regulatory-status", modelId = model, body = new { status = "marketed-device", effectiveFrom = "2024-01-05", device = new { @class = "class-ii", pathway = "premarket-notification", submissionNumber = "K240001", productCode = "QIH", decisionDate = "2024-01-05", indicationsForUse = "i", authorizedVersion = "1.0" } } },
            new { command = "authorize-change-control-plan", modelId = model, body = new { submissionNumber = "K240001", authorizedOn = "2024-01-05", modifications = new[] { new { kind = "retraining-on-new-data", description = "d" } }, dataManagement = new { irbProtocolIds = new[] { protocol }, licenseIds = new[] { license }, referenceStandard = "r" }, acceptanceCriteria = new[] { new { metric = "AUROC", population = "adults", threshold = 0.8, direction = "at-least" } } } },
            new { command = "record-performance-evaluation", modelId = model, modelVersion = "1.0", body = new { metric = "AUROC", value = 0.9, data = new { datasetId = dataset, version = 1, fingerprint = version.fingerprint }, source = "internal", heldOut = false, population = "adults", evaluator = "e", evaluatedOn = "2024-02-03" } },
            new { command = "record-monitoring-finding", modelId = model, modelVersion = "1.0", body = new { kind = "data-drift", severity = "low", description = "d", actionTaken = "a", observedOn = "2024-02-10" } },
            new { command = "record-model-card-facts", modelId = model, modelVersion = "1.0", body = CardFacts() });

        await using var connection = new Npgsql.NpgsqlConnection(api.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT DISTINCT type FROM provenance.events", connection);
        var types = new HashSet<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                types.Add(reader.GetString(0));
            }
        }

        // Derivations and overrides ride on other commands; API keys are managed one by one, never imported.
        var missing = Domain.Common.EventCatalog.All.Select(e => e.Name)
            .Where(n => n is not "dataset.version-derived" and not "model.training-clearance-overridden" and not "model.release-overridden" && !n.StartsWith("access.", StringComparison.Ordinal) &&
                        !types.Contains(n)).ToList();
        Assert.Empty(missing);

        // #14: every Location a write answers resolves.
        Assert.Contains(_locations, l => l.Contains("/training-runs/", StringComparison.Ordinal));
        foreach (var location in _locations.Distinct())
        {
            using var read = await api.Client.GetAsync(location);
            Assert.True(read.StatusCode == HttpStatusCode.OK, $"GET {location}: {(int)read.StatusCode}");
        }
    }
}

public sealed class CatalogTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Datasets_are_searched_by_the_kind_of_license_they_hold_right_after_it_is_granted()
    {
        var institution = "Catalog " + Guid.NewGuid().ToString("N")[..8];
        var body = JsonSerializer.SerializeToNode(Requests.ValidDataset("with DUA"))!.AsObject();
        body["sourceInstitution"] = institution;
        using var created = await api.Client.PostAsync("/datasets", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var withDua = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        body["name"] = "without";
        using var other = await api.Client.PostAsync("/datasets", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        using var granted = await api.Client.PostAsJsonAsync($"/datasets/{withDua}/licenses", new
        {
            kind = "data-use-agreement", parties = new[] { "A" }, territory = "US", effectiveOn = "2024-01-01",
            terms = new { permittedUses = new[] { "research" }, documentReference = "DUA", documentSha256 = new string('e', 64) },
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);

        var page = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets?institution={Uri.EscapeDataString(institution)}&licenseKind=data-use-agreement");

        var hit = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(withDua, hit.GetProperty("id").GetGuid());
        Assert.Equal(["data-use-agreement"], hit.GetProperty("licenseKinds").EnumerateArray().Select(k => k.GetString()!).ToArray());
    }

    [Fact]
    public async Task The_async_catalog_rebuilt_from_the_log_answers_as_the_incremental_one()
    {
        using (var created = await api.Client.PostAsJsonAsync("/datasets", Requests.ValidDataset("rebuild me")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var before = (await api.Client.GetFromJsonAsync<JsonElement>("/datasets?limit=500")).ToString();
        using var rebuild = await api.Client.PostAsJsonAsync("/admin/projections/catalog/rebuild", new { });
        Assert.Equal(HttpStatusCode.OK, rebuild.StatusCode);

        Assert.Equal(before, (await api.Client.GetFromJsonAsync<JsonElement>("/datasets?limit=500")).ToString());
    }

    [Fact]
    public async Task An_unknown_license_kind_is_a_422()
    {
        using var response = await api.Client.GetAsync("/datasets?licenseKind=handshake");

        await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "validation-failed");
    }
}

public sealed class CatalogStatusTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_versions_compliance_status_follows_decisions_rescissions_quarantine_and_withdrawals()
    {
        var ledger = new LineageBuilder(api);
        var dataset = await ledger.DatasetAsync("status");
        await ledger.PostAsync($"/datasets/{dataset}/versions", new
        {
            files = new[] { new { path = "b.parquet", byteSize = 1L, sha256 = new string('b', 64) } }, recordCount = 1,
            fingerprint = Domain.Datasets.ContributingVersion.Manifest.Fingerprint([new("b.parquet", 1, new string('b', 64))]), storageUri = "s3://b/",
        });
        var approved = await ledger.PostAsync($"/datasets/{dataset}/versions/1/deidentification-decisions", new
        {
            method = "not-phi", notPhi = new { justification = "synthetic" }, outcome = "approved", decidedBy = "PO", decidedAt = "2024-01-03T00:00:00Z",
        });
        await ledger.PostAsync($"/datasets/{dataset}/versions/2/deidentification-decisions", new
        {
            method = "not-phi", notPhi = new { justification = "synthetic" }, outcome = "rejected", decidedBy = "PO", decidedAt = "2024-01-03T00:00:00Z",
        });
        await ledger.PostAsync($"{approved.GetProperty("location").GetString()}/rescission", new { reason = "not synthetic after all" }, HttpStatusCode.OK);
        await ledger.PostAsync($"/datasets/{dataset}/versions/2/quarantine", new { reason = "names found" }, HttpStatusCode.OK);
        await ledger.PostAsync($"/datasets/{dataset}/versions/2/consent-withdrawals", new { subjectCount = 1, effectiveOn = "2024-05-01", requiredActions = new[] { "exclude-from-future-training" } });

        var page = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{dataset}/versions");
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
        var versions = page.GetProperty("items");

        Assert.Equal("rescinded", versions[0].GetProperty("deidentification").GetString());
        Assert.Equal("rejected", versions[1].GetProperty("deidentification").GetString());
        Assert.True(versions[1].GetProperty("quarantined").GetBoolean());
        Assert.Equal("2024-05-01", versions[1].GetProperty("consentExclusionFrom").GetString());
        Assert.False(versions[0].GetProperty("quarantined").GetBoolean());
    }

    [Fact]
    public async Task Models_are_searched_by_whether_a_runs_clearance_was_overridden()
    {
        var ledger = new LineageBuilder(api);
        var model = await ledger.ModelTrainedOnAsync([await ledger.DatasetAsync("uncleared")]);

        var overridden = await api.Client.GetFromJsonAsync<JsonElement>("/models?overridden=true&limit=500");

        var hit = overridden.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == model);
        Assert.Equal(1, hit.GetProperty("overriddenRuns").GetInt32());
        Assert.Equal(["1.0"], hit.GetProperty("versions").EnumerateArray().Select(v => v.GetString()!).ToArray());
    }
}
