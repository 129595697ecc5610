using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Api.Tests.Models;
using Provenance.Testing;

namespace Provenance.Api.Tests.Workspace;

/// <summary>
/// #21: the overview lists each version of a marketed device whose change-control review has findings
/// (a version in training judged on the day, a released one on its release day), never the
/// authorized version, and nothing before the version existed (a database of its own).
/// </summary>
public sealed class DeviceAttentionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static List<JsonElement> Devices(JsonElement overview) => overview.GetProperty("attention").EnumerateArray()
        .Where(i => i.GetProperty("kind").GetString() == "device-change-control-failed").ToList();

    [Fact]
    public async Task A_device_version_outside_its_authorization_needs_attention_in_training_and_after_an_overridden_release()
    {
        var ledger = await DeviceLedger.CreateAsync(api, withPlan: false);
        var beforeRetraining = DateTimeOffset.UtcNow;
        await Eventually.ClockPassesAsync(beforeRetraining);
        await ledger.TrainAsync("1.1", ledger.NewData);

        var item = Assert.Single(Devices(await api.Client.GetFromJsonAsync<JsonElement>("/overview")));
        Assert.Equal(ledger.Model, item.GetProperty("modelId").GetGuid());
        Assert.Equal("1.1", item.GetProperty("modelVersion").GetString());
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd"), item.GetProperty("due").GetString());
        var review = await api.Client.GetFromJsonAsync<JsonElement>($"/models/{ledger.Model}/versions/1.1/change-control");
        foreach (var finding in review.GetProperty("findings").EnumerateArray())
        {
            Assert.Contains(finding.GetProperty("message").GetString()!, item.GetProperty("text").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(Devices(await api.Client.GetFromJsonAsync<JsonElement>($"/overview?asOf={Uri.EscapeDataString(beforeRetraining.ToString("O"))}")));

        await ledger.PostAsync($"/models/{ledger.Model}/versions/1.1/release",
            new { @override = new { justification = "New 510(k) filed; released to the pilot site only." } }, HttpStatusCode.OK);
        var released = Assert.Single(Devices(await api.Client.GetFromJsonAsync<JsonElement>("/overview")));
        Assert.Contains("(released)", released.GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}
