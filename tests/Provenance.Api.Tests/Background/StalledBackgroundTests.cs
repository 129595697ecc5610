using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Provenance.Testing;

namespace Provenance.Api.Tests.Background;

/// <summary>The API on a ledger where no instance runs the background work, until a test starts one that does.</summary>
public sealed class StalledBackgroundFixture : ApiFixture
{
    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Provenance:Background:Enabled", "false");
        web.UseSetting("Provenance:Background:ReadWait", "00:00:00.200");
        web.UseSetting("Provenance:Background:StallAfter", "00:00:00");
    }
}

/// <summary>
/// #15: a list read from the asynchronous catalog never ignores that the catalog is behind: it waits
/// (up to <c>ReadWait</c>) and, if the catalog is still behind, says by how much in <c>stale</c>.
/// Readiness reports the stalled work as degraded, with its lag. Once an instance runs the work,
/// every instance's lists are fresh again and readiness healthy.
/// </summary>
public sealed class StalledBackgroundTests(StalledBackgroundFixture api) : IClassFixture<StalledBackgroundFixture>
{
    [Fact]
    public async Task A_list_says_how_far_behind_the_catalog_is_until_background_work_catches_it_up()
    {
        using var created = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("Registered while nothing projects")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var position = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lastPosition").GetInt64();

        var stalePage = await api.Client.GetFromJsonAsync<JsonElement>("/datasets");
        var stale = stalePage.GetProperty("stale");
        Assert.Equal("catalog", stale.GetProperty("readModel").GetString());
        Assert.True(stale.GetProperty("head").GetInt64() >= position);
        Assert.True(stale.GetProperty("position").GetInt64() < position);
        Assert.Equal(JsonValueKind.Object, (await api.Client.GetFromJsonAsync<JsonElement>("/models")).GetProperty("stale").ValueKind);

        using (var degraded = await api.Anonymous().GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
            Assert.Equal("Degraded", await degraded.Content.ReadAsStringAsync());
        }

        // An instance that runs the work catches the catalog up; this one's lists then read it fresh.
        await using var worker = api.NewInstance(web => web.UseSetting("Provenance:Background:Enabled", "true"));
        using var workerClient = api.AdminClientOf(worker);
        var fresh = await Eventually.ReturnsAsync(() => api.Client.GetFromJsonAsync<JsonElement>("/datasets"),
            page => !page.TryGetProperty("stale", out _), "the catalog caught up");
        Assert.Contains(fresh.GetProperty("items").EnumerateArray(), d => d.GetProperty("name").GetString() == "Registered while nothing projects");
        await Eventually.HoldsAsync(async () => await api.Anonymous().GetStringAsync("/health/ready") == "Healthy", "readiness is healthy again");
    }
}
