using System.Net.Http.Json;
using System.Text.Json;

namespace Provenance.Cli.Tests;

public sealed class ExportingTests(CliFixture api) : IClassFixture<CliFixture>
{
    /// <summary>Registers a dataset through <c>provenance import</c> and finds its id.</summary>
    private async Task<Guid> ImportedDatasetAsync(ImportFiles files, string name)
    {
        var import = await Cli.RunAsync(uri => api.CreateClient(uri), "import", files.Write($"{Guid.NewGuid():N}.ndjson", ImportFiles.RegisterDataset(name)));
        Assert.Equal(0, import.ExitCode);
        using var http = api.CreateClient();
        var datasets = await http.GetFromJsonAsync<JsonElement>("/datasets?institution=" + Uri.EscapeDataString("Mercy Regional Health"));
        return datasets.GetProperty("items").EnumerateArray().First(d => d.GetProperty("name").GetString() == name).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task An_exported_dataset_bundle_verifies_offline_with_the_published_key()
    {
        using var files = new ImportFiles();
        var dataset = await ImportedDatasetAsync(files, "exported dataset");
        using var http = api.CreateClient();
        (await http.PostAsync("/checkpoints", null)).EnsureSuccessStatusCode();
        var key = (await http.GetFromJsonAsync<JsonElement>("/checkpoints/public-key")).GetProperty("verifierKey").GetString()!;
        var directory = files.Path("bundle");

        var export = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "--dataset", dataset.ToString(), "--out", directory);
        var verify = await Cli.RunAsync(_ => throw new InvalidOperationException("verify is offline"), "verify", directory, "--key", key);
        var again = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "--dataset", dataset.ToString(), "--out", directory);

        Assert.True(export.ExitCode == 0, export.Errors + export.Output);
        Assert.Contains("Exported", export.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(directory, "manifest.json")));
        Assert.True(verify.ExitCode == 0, verify.Errors + verify.Output);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("never overwrites", again.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_writes_format_3_unless_format_2_is_asked_for_and_both_verify()
    {
        using var files = new ImportFiles();
        var dataset = await ImportedDatasetAsync(files, "dataset in two formats");
        using var http = api.CreateClient();
        (await http.PostAsync("/checkpoints", null)).EnsureSuccessStatusCode();
        var key = (await http.GetFromJsonAsync<JsonElement>("/checkpoints/public-key")).GetProperty("verifierKey").GetString()!;

        var three = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "--dataset", dataset.ToString(), "--out", files.Path("three"));
        var two = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "--dataset", dataset.ToString(), "--format", "2", "--out", files.Path("two"));
        var four = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "--dataset", dataset.ToString(), "--format", "4", "--out", files.Path("four"));

        Assert.True(three.ExitCode == 0 && two.ExitCode == 0, three.Errors + two.Errors);
        Assert.True(File.Exists(System.IO.Path.Combine(files.Path("three"), "multiproof.txt")) && !File.Exists(System.IO.Path.Combine(files.Path("three"), "proofs.ndjson")));
        Assert.True(File.Exists(System.IO.Path.Combine(files.Path("two"), "proofs.ndjson")) && !File.Exists(System.IO.Path.Combine(files.Path("two"), "multiproof.txt")));
        foreach (var bundle in new[] { "three", "two" })
        {
            var verify = await Cli.RunAsync(_ => throw new InvalidOperationException("verify is offline"), "verify", files.Path(bundle), "--key", key);
            Assert.True(verify.ExitCode == 0, verify.Errors + verify.Output);
        }

        Assert.Equal(2, four.ExitCode);
        Assert.False(Directory.Exists(files.Path("four")));
    }

    [Fact]
    public async Task Export_needs_exactly_one_scope()
    {
        using var files = new ImportFiles();

        var none = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "--out", files.Path("x"));
        var two = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "--dataset", Guid.NewGuid().ToString(), "--protocol", Guid.NewGuid().ToString(),
            "--out", files.Path("y"));
        var noVersion = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "--model", Guid.NewGuid().ToString(), "--out", files.Path("z"));

        Assert.Equal(2, none.ExitCode);
        Assert.Contains("exactly one scope", none.Errors, StringComparison.Ordinal);
        Assert.Equal(2, two.ExitCode);
        Assert.Equal(2, noVersion.ExitCode);
        Assert.Contains("--version", noVersion.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_dps_writes_the_document_the_api_answers_and_never_overwrites()
    {
        using var files = new ImportFiles();
        var dataset = await ImportedDatasetAsync(files, "dps dataset");
        using var http = api.CreateClient();
        var missingVersion = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "dps", "--dataset", dataset.ToString(), "--version", "1", "--out", files.Path("none.json"));
        Assert.Equal(2, missingVersion.ExitCode);
        Assert.Contains("no version 1", missingVersion.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(files.Path("none.json")));

        var manifest = new[] { new Domain.Datasets.ContributingVersion.ManifestFile("part-0.csv", 10, new string('a', 64)) };
        using (var contributed = await http.PostAsJsonAsync($"/datasets/{dataset}/versions", new
        {
            files = manifest.Select(f => new { path = f.Path, byteSize = f.ByteSize, sha256 = f.Sha256 }), recordCount = 10,
            fingerprint = Domain.Datasets.ContributingVersion.Manifest.Fingerprint(manifest), storageUri = "s3://bucket/dps/",
        }))
        {
            contributed.EnsureSuccessStatusCode();
        }

        var written = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "dps", "--dataset", dataset.ToString(), "--version", "1", "--out", files.Path("dps.json"));
        var again = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "dps", "--dataset", dataset.ToString(), "--version", "1", "--out", files.Path("dps.json"));

        Assert.True(written.ExitCode == 0, written.Errors + written.Output);
        var document = JsonDocument.Parse(File.ReadAllText(files.Path("dps.json"))).RootElement;
        Assert.Equal("https://docs.oasis-open.org/dps/prov-meta/v1.0/schema/data-provenance.json", document.GetProperty("$schema").GetString());
        Assert.Equal(["text/csv"], document.GetProperty("provenance").GetProperty("format").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("never overwrites", again.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_openlineage_refuses_a_model_that_does_not_exist_naming_it()
    {
        using var files = new ImportFiles();
        var model = Guid.NewGuid();

        var result = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "openlineage", "--model", model.ToString(), "--version", "1.0", "--out", files.Path("events.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(model.ToString(), result.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(files.Path("events.ndjson")));
    }
}
