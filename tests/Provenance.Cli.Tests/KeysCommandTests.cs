using System.Net;

namespace Provenance.Cli.Tests;

/// <summary><c>provenance keys</c>, and the key every command that calls the API sends.</summary>
public sealed class KeysCommandTests(CliFixture api) : IClassFixture<CliFixture>
{
    /// <summary>The console wraps long messages; the words matter here, not where the lines break.</summary>
    private static string OneLine(string text) => string.Join(' ', text.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));

    private Task<CliRun> AnonymousRunAsync(params string[] args) => Cli.RunAsync(uri => api.CreateClient(uri, anonymous: true), args);

    private async Task<string> CreateAsync(params string[] args)
    {
        var run = await AnonymousRunAsync(["keys", "create", "--api-key", api.AdminKey, .. args]);
        Assert.True(run.ExitCode == 0, run.Errors);
        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries);
        return Assert.Single(lines, l => l.StartsWith("pvk_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Creating_a_key_prints_it_once_on_a_line_of_its_own_and_it_authenticates()
    {
        var run = await AnonymousRunAsync("keys", "create", "--api-key", api.AdminKey, "--principal", "dana@mercy.example", "--role", "steward",
            "--institution", "Mercy Regional Health", "--days", "30", "--description", "Dana's workstation");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("only time the key is shown", run.Output, StringComparison.Ordinal);
        Assert.Contains("dana@mercy.example (steward, Mercy Regional Health)", run.Output, StringComparison.Ordinal);
        var key = Assert.Single(run.Output.Split('\n', StringSplitOptions.TrimEntries), l => l.StartsWith("pvk_", StringComparison.Ordinal));
        using var client = api.CreateClient(anonymous: true);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "ApiKey " + key);
        using var response = await client.GetAsync("/datasets");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Listing_shows_active_keys_and_with_all_the_revoked_ones_too()
    {
        var key = await CreateAsync("--principal", "listed@mercy.example", "--role", "regulator");
        var id = Guid.ParseExact(key[4..36], "N");

        var before = await AnonymousRunAsync("keys", "list", "--api-key", api.AdminKey, "--principal", "listed@mercy.example");
        var revoke = await AnonymousRunAsync("keys", "revoke", id.ToString(), "--reason", "rotated", "--api-key", api.AdminKey);
        var active = await AnonymousRunAsync("keys", "list", "--api-key", api.AdminKey, "--principal", "listed@mercy.example");
        var all = await AnonymousRunAsync("keys", "list", "--all", "--api-key", api.AdminKey, "--principal", "listed@mercy.example");

        Assert.Contains(id.ToString(), before.Output, StringComparison.Ordinal);
        Assert.Equal(0, revoke.ExitCode);
        Assert.Contains("Revoked key", revoke.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(id.ToString(), active.Output, StringComparison.Ordinal);
        Assert.Contains("revoked", all.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key[37..], all.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_key_comes_from_the_environment_when_not_given_on_the_command_line()
    {
        var run = await Cli.RunAsync(uri => api.CreateClient(uri, anonymous: true),
            name => name == "PROVENANCE_API_KEY" ? api.AdminKey : null, "keys", "list");

        Assert.True(run.ExitCode == 0, run.Errors);
    }

    [Fact]
    public async Task Without_a_key_a_command_that_calls_the_api_says_where_the_key_goes()
    {
        var keys = await AnonymousRunAsync("keys", "list");
        var rebuild = await AnonymousRunAsync("rebuild", "lineage");

        Assert.Equal(2, keys.ExitCode);
        Assert.Contains("401", keys.Errors, StringComparison.Ordinal);
        Assert.Contains("--api-key or $PROVENANCE_API_KEY", OneLine(keys.Errors), StringComparison.Ordinal);
        Assert.Equal(2, rebuild.ExitCode);
        Assert.Contains("--api-key or $PROVENANCE_API_KEY", OneLine(rebuild.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_without_the_role_is_refused_by_the_api_with_a_403()
    {
        var regulator = await CreateAsync("--principal", "auditor@mercy.example", "--role", "regulator");

        var run = await AnonymousRunAsync("keys", "create", "--api-key", regulator, "--principal", "x", "--role", "admin");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("(403)", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_that_cannot_be_a_header_is_a_usage_error()
    {
        var run = await AnonymousRunAsync("keys", "list", "--api-key", "pvk_ with spaces");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("visible ASCII", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_role_is_a_usage_error_listing_the_roles()
    {
        var run = await AnonymousRunAsync("keys", "create", "--api-key", api.AdminKey, "--principal", "x", "--role", "superuser");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("irb-reviewer", run.Errors + run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_sends_the_key_as_every_command_that_calls_the_api_does()
    {
        var steward = await CreateAsync("--principal", "exporting-steward@mercy.example", "--role", "steward", "--institution", "Mercy Regional Health");
        var regulator = await CreateAsync("--principal", "exporting-auditor@mercy.example", "--role", "regulator");
        using var files = new ImportFiles();
        string[] Export(string name) => ["export", "--dataset", Guid.NewGuid().ToString(), "--out", files.Path(name)];

        var anonymous = await AnonymousRunAsync(Export("a"));
        var asSteward = await AnonymousRunAsync([.. Export("b"), "--api-key", steward]);
        var asRegulator = await Cli.RunAsync(uri => api.CreateClient(uri, anonymous: true), name => name == "PROVENANCE_API_KEY" ? regulator : null, Export("c"));

        Assert.Contains("(401)", anonymous.Errors, StringComparison.Ordinal);
        Assert.Contains("(403)", asSteward.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("(401)", asRegulator.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("(403)", asRegulator.Errors, StringComparison.Ordinal);
    }
}
