using System.Net.Http.Json;
using System.Text.Json;

namespace Provenance.Api.Tests.Irb;

/// <summary>
/// #14: an IRB protocol's status is one notion everywhere: its own read, the list and the lineage
/// give where it stands on a day (today by default), <c>expired</c> past its terms' expiry.
/// </summary>
public sealed class IrbStandingTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private readonly LineageBuilder _ledger = new(api);

    [Fact]
    public async Task Bug_14_a_protocol_past_its_expiry_reads_as_expired_in_its_read_the_list_and_the_lineage()
    {
        var dataset = await _ledger.DatasetAsync("covered until 2025");
        var number = "26-" + Guid.NewGuid().ToString("N")[..6];
        var protocol = await _ledger.ProtocolAsync(number, [dataset], expiresOn: "2025-01-04");
        var model = await _ledger.ModelTrainedOnAsync([dataset]);

        var read = await api.Client.GetFromJsonAsync<JsonElement>($"/irb/protocols/{protocol}");
        var listed = (await api.Client.GetFromJsonAsync<JsonElement>($"/irb/protocols?protocolNumber={number}")).GetProperty("items")[0];
        var lineage = await _ledger.LineageAsync(model);
        var node = lineage.GetProperty("nodes").EnumerateArray().Single(n => n.TryGetProperty("irbApprovals", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0);
        var approval = node.GetProperty("irbApprovals").EnumerateArray().Single(a => a.GetProperty("protocolId").GetGuid() == protocol);

        Assert.Equal("expired", read.GetProperty("status").GetString());
        Assert.Equal("expired", listed.GetProperty("status").GetString());
        Assert.Equal("expired", approval.GetProperty("statusOnDay").GetString());
        Assert.Equal(read.GetProperty("day").GetString(), listed.GetProperty("day").GetString());
        Assert.Equal(read.GetProperty("day").GetString(), approval.GetProperty("day").GetString());
    }

    [Theory]
    [InlineData("2023-12-31", "not-yet-approved")]
    [InlineData("2024-06-01", "active")]
    [InlineData("2025-01-04", "active")]
    [InlineData("2025-01-05", "expired")]
    public async Task Bug_14_a_protocol_reads_as_it_stood_on_the_day_asked_in_its_read_and_the_list(string on, string expected)
    {
        var dataset = await _ledger.DatasetAsync("dated");
        var number = "27-" + Guid.NewGuid().ToString("N")[..6];
        var protocol = await _ledger.ProtocolAsync(number, [dataset], expiresOn: "2025-01-04");

        var read = await api.Client.GetFromJsonAsync<JsonElement>($"/irb/protocols/{protocol}?on={on}");
        var listed = (await api.Client.GetFromJsonAsync<JsonElement>($"/irb/protocols?protocolNumber={number}&on={on}")).GetProperty("items")[0];

        Assert.Equal(expected, read.GetProperty("status").GetString());
        Assert.Equal(expected, listed.GetProperty("status").GetString());
        Assert.Equal(on, read.GetProperty("day").GetString());
    }
}
