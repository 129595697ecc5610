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
        // The registration is not of a lineage type: the rebuild passes over it, and the checkpoint with it.
        Assert.Matches(@"Rebuilt lineage from the log up to position [1-9][\d,]* in [\d,]+ ms \([\d,]+ log events/s\): 0 events of its types replayed\.", run.Output);
    }

    [Fact]
    public async Task Rebuilding_an_unknown_projection_exits_2_naming_the_known_ones()
    {
        var run = await Cli.RunAsync(uri => api.CreateClient(uri), "rebuild", "nope");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("lineage", run.Errors, StringComparison.Ordinal);
    }
}
