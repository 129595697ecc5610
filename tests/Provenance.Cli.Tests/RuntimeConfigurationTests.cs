namespace Provenance.Cli.Tests;

/// <summary>#22, decision 0008: the tool's runtime configuration, as built beside it.</summary>
public sealed class RuntimeConfigurationTests
{
    [Fact]
    public void The_tool_runs_without_the_profiling_tier_and_optimizes_loops_from_their_first_call()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "provenance.runtimeconfig.json");
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean());
        Assert.False(properties.GetProperty("System.Runtime.TieredCompilation.QuickJitForLoops").GetBoolean());
    }
}
