using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Provenance.Testing;

namespace Provenance.Api.Tests.Workspace;

/// <summary>
/// #21: the overview's dataset versions by clearance on the day, judged by the one clearance function:
/// as of an instant, computed for the request; for today, kept at the log's head in the background
/// (a database of its own: a cleared version and one without a de-identification decision).
/// </summary>
public sealed class ClearanceTallyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_overview_counts_versions_cleared_today_and_each_finding_that_holds_the_others_back()
    {
        var ledger = new LineageBuilder(api);
        var cleared = await ledger.DatasetAsync("Tally cleared");
        await ledger.ClearAsync(cleared);
        await ledger.ProtocolAsync("TALLY-1", [cleared]);
        var held = await ledger.DatasetAsync("Tally held back");
        var reasons = (await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{held}/versions/1/clearance")).GetProperty("findings")
            .EnumerateArray().Select(f => f.GetProperty("code").GetString()!).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(reasons);
        Assert.Empty((await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{cleared}/versions/1/clearance")).GetProperty("findings").EnumerateArray());

        static void AssertTally(JsonElement tally, string[] reasons)
        {
            Assert.Equal(2, tally.GetProperty("versions").GetInt64());
            Assert.Equal(1, tally.GetProperty("cleared").GetInt64());
            var by = tally.GetProperty("notClearedBy").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
            Assert.Equal(reasons, by.Keys.Order(StringComparer.Ordinal));
            Assert.All(by.Values, count => Assert.Equal(1, count));
        }

        // As of now: computed for the request, at the request's own position.
        var now = await api.Client.GetFromJsonAsync<JsonElement>($"/overview?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"))}");
        AssertTally(now.GetProperty("clearance"), reasons);
        Assert.Equal(now.GetProperty("asOf").GetProperty("position").GetInt64(), now.GetProperty("clearance").GetProperty("position").GetInt64());

        // Today's, from the background: it reaches the head and says so.
        await using var instance = api.NewInstance().WithWebHostBuilder(web =>
        {
            web.UseSetting("Provenance:Workspace:TallyInterval", "00:00:00.2");
            web.UseSetting("Provenance:Workspace:TallyMinimumWait", "00:00:00.2");
        });
        using var client = api.AdminClientOf(instance);
        var head = now.GetProperty("asOf").GetProperty("position").GetInt64();
        var today = (await Eventually.ReturnsAsync(
            async () => (await client.GetFromJsonAsync<JsonElement>("/overview")).GetProperty("clearance"),
            tally => tally.ValueKind == JsonValueKind.Object && tally.GetProperty("position").GetInt64() == head,
            "the background tally reaches the log's head"));
        AssertTally(today, reasons);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd"), today.GetProperty("day").GetString());
    }
}
