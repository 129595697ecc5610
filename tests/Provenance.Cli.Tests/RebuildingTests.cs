namespace Provenance.Cli.Tests;

public sealed class RebuildingTests(CliFixture api) : IClassFixture<CliFixture>
{
    [Fact]
    public async Task Rebuilding_a_projection_reports_the_events_replayed()
    {
        using var files = new ImportFiles();
        var file = files.Write("one.ndjson", ImportFiles.RegisterDataset("rebuild source"));
        Assert.Equal(0, (await Cli.RunAsync(uri => api.CreateClient(uri), "import", file)).ExitCode);

        var run = await Cli.RunAsync(uri => api.CreateClient(uri), "rebuild", "lineage");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"Rebuilt lineage: [1-9][\d,]* events replayed", run.Output);
    }

    [Fact]
    public async Task Rebuilding_an_unknown_projection_exits_2_naming_the_known_ones()
    {
        var run = await Cli.RunAsync(uri => api.CreateClient(uri), "rebuild", "nope");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("lineage", run.Errors, StringComparison.Ordinal);
    }
}
