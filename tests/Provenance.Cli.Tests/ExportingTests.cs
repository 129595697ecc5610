using System.Net.Http.Json;
using System.Text.Json;

namespace Provenance.Cli.Tests;

public sealed class ExportingTests(CliFixture api) : IClassFixture<CliFixture>
{
    [Fact]
    public async Task An_exported_dataset_bundle_verifies_offline_with_the_published_key()
    {
        using var files = new ImportFiles();
        var import = await Cli.RunAsync(uri => api.CreateClient(uri), "import", files.Write("one.ndjson", ImportFiles.RegisterDataset("exported dataset")));
        Assert.Equal(0, import.ExitCode);
        using var http = api.CreateClient();
        var datasets = await http.GetFromJsonAsync<JsonElement>("/datasets?institution=" + Uri.EscapeDataString("Mercy Regional Health"));
        var dataset = datasets.GetProperty("items").EnumerateArray().First(d => d.GetProperty("name").GetString() == "exported dataset").GetProperty("id").GetGuid();
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
}
