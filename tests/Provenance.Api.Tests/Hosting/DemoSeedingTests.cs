using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Provenance.Testing;

namespace Provenance.Api.Tests.Hosting;

/// <summary>
/// #14: deploy/run.sh prints the demo keys when the keys file appears, and the browser tests start
/// then: so the file is written only once the demo data is loaded.
/// </summary>
public sealed class DemoSeedingTests(ApiFixture api) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("provenance-seeding-test-");

    public void Dispose() => _work.Delete(recursive: true);

    private static string Seeds => Path.Combine(Repository.Root, "seeds");

    /// <summary>An instance loading the demo seeds, once its keys file is written: every seed line is in the ledger.</summary>
    private async Task<(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Instance, Uri Address, string KeysFile)> SeededAsync(string keysFileName)
    {
        var keysFile = Path.Combine(_work.FullName, keysFileName);
        var (instance, address) = api.KestrelInstance(web =>
        {
            web.UseSetting("Provenance:Seed:Path", Seeds);
            web.UseSetting("Provenance:Seed:KeysFile", keysFile);
        });
        await Eventually.HoldsAsync(() => Task.FromResult(File.Exists(keysFile)), "the demo keys file to be written", TimeSpan.FromMinutes(2));
        return (instance, address, keysFile);
    }

    [Fact]
    public async Task Bug_14_the_demo_keys_file_appears_only_once_every_seed_line_is_in_the_ledger()
    {
        var (instance, address, keysFile) = await SeededAsync("demo-keys.env");
        await using var _ = instance;

        // At the moment the file exists, everything the seeds record is there.
        var regulator = File.ReadAllLines(keysFile).Select(l => l.Split(['=', ' '], 4)).Single(p => p[0] == "export" && p[1] == "REGULATOR_KEY")[2];
        using var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", regulator);
        var seededModels = Directory.EnumerateFiles(Seeds, "*.ndjson").SelectMany(File.ReadLines)
            .Count(l => l.Contains("\"path\": \"/models\"", StringComparison.Ordinal));
        var seededRuns = Directory.EnumerateFiles(Seeds, "*.ndjson").SelectMany(File.ReadLines)
            .Count(l => l.Contains("/training-runs\"", StringComparison.Ordinal) && !l.Contains("\"expect\"", StringComparison.Ordinal));
        var models = (await client.GetFromJsonAsync<JsonElement>("/models?limit=500")).GetProperty("items");
        Assert.Equal(seededModels, models.GetArrayLength());
        Assert.True(seededRuns > 0);
        Assert.All(models.EnumerateArray(), m => Assert.NotEqual(0, m.GetProperty("versions").GetArrayLength()));
    }

    [Fact]
    public async Task The_model_card_of_every_demo_model_version_validates_and_its_bundle_proves_every_citation_of_its_documents()
    {
        var (instance, _, _) = await SeededAsync("demo-keys-documents.env");
        await using var _ = instance;
        using var client = api.AdminClientOf(instance);
        await Integrity.Checkpoints.SignAsync(client);
        var key = Provenance.Integrity.Checkpoints.VerifierKey.Parse((await client.GetFromJsonAsync<JsonElement>("/checkpoints/public-key")).GetProperty("verifierKey").GetString()!);

        var models = (await client.GetFromJsonAsync<JsonElement>("/models?limit=500")).GetProperty("items").EnumerateArray().ToList();
        var checkedVersions = 0;
        foreach (var model in models)
        {
            var id = model.GetProperty("id").GetGuid();
            foreach (var version in model.GetProperty("versions").EnumerateArray().Select(v => v.GetString()!))
            {
                var xml = await client.GetStringAsync($"/models/{id}/versions/{version}/model-card");
                Assert.Empty(Models.ModelCardSchema.Validate(xml));

                var zip = Path.Combine(_work.FullName, $"{id}-{version}.zip");
                await File.WriteAllBytesAsync(zip, await client.GetByteArrayAsync($"/audit-bundles?kind=model-version&modelId={id}&modelVersion={version}"));
                var result = await new Provenance.Integrity.Bundles.AuditBundleVerifier(key).VerifyAsync(zip);
                Assert.True(result.IsValid, $"{id} {version}: " + string.Join("\n", result.Failures));
                Assert.True(result.CitationsVerified > 0, $"{id} {version}: no citation checked");
                checkedVersions++;
            }
        }

        // The demo's device model alone has three versions: one cleared, one inside its PCCP, one released by override.
        Assert.True(checkedVersions >= 5, $"{checkedVersions} demo model versions");
    }

    [Fact]
    public async Task Every_demo_dataset_versions_dps_document_and_every_demo_model_versions_openlineage_events_validate_against_the_official_schemas()
    {
        var (instance, _, _) = await SeededAsync("demo-keys-interop.env");
        await using var _ = instance;
        using var client = api.AdminClientOf(instance);
        using var anonymous = instance.CreateClient();
        var custom = await Interop.OpenLineageTests.CustomFacetSchemasAsync(anonymous);
        var failures = new List<string>();

        var datasets = (await client.GetFromJsonAsync<JsonElement>("/datasets?limit=500")).GetProperty("items").EnumerateArray().ToList();
        var documents = 0;
        foreach (var dataset in datasets)
        {
            var id = dataset.GetProperty("id").GetGuid();
            var versions = (await client.GetFromJsonAsync<JsonElement>($"/datasets/{id}/versions?limit=500")).GetProperty("items").EnumerateArray().Select(v => v.GetProperty("version").GetInt32());
            foreach (var version in versions)
            {
                var document = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync($"/datasets/{id}/versions/{version}/dps"))!;
                failures.AddRange(Interop.StandardSchemas.ValidateDps(document).Select(e => $"DPS of {id} v{version}: {e}"));
                documents++;
            }
        }

        var events = 0;
        foreach (var model in (await client.GetFromJsonAsync<JsonElement>("/models?limit=500")).GetProperty("items").EnumerateArray())
        {
            var id = model.GetProperty("id").GetGuid();
            foreach (var version in model.GetProperty("versions").EnumerateArray().Select(v => v.GetString()!))
            {
                foreach (var runEvent in await Interop.OpenLineageTests.EventsAsync(client, id, version))
                {
                    failures.AddRange(Interop.StandardSchemas.ValidateOpenLineage(runEvent, custom).Select(e => $"OpenLineage of {id} {version}: {e}"));
                    events++;
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
        Assert.True(documents >= datasets.Count && events >= 10, $"{documents} DPS documents and {events} OpenLineage events checked");
    }
}
