using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;
namespace Provenance.Api.Tests.Access;
public sealed class TmpExportProbeTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Probe()
    {
        await api.IssueKeyAsync("x@y", [Domain.Access.Role.Regulator], null);
        using (await api.Client.PostAsync("/checkpoints", null)) { }
        var response = await api.Client.GetAsync("/audit-bundles?kind=time-range&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z");
        var zip = Path.GetTempFileName();
        await File.WriteAllBytesAsync(zip, await response.Content.ReadAsByteArrayAsync());
        var key = await api.Client.GetFromJsonAsync<JsonElement>("/checkpoints/public-key");
        var result = await new AuditBundleVerifier(VerifierKey.Parse(key.GetProperty("verifierKey").GetString()!)).VerifyAsync(zip);
        Assert.True(result.IsValid, $"{(int)response.StatusCode} " + string.Join("\n", result.Failures));
    }
}
