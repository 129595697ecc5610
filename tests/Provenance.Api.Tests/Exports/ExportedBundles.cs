using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Api.Tests.Integrity;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;

namespace Provenance.Api.Tests.Exports;

/// <summary>Downloads a bundle as a regulator would (after a fresh checkpoint), unpacks it to tamper with, and verifies it with the ledger's key.</summary>
internal static class ExportedBundles
{
    public static async Task<BundleTampering> UnpackAsync(ApiFixture api, string path, DirectoryInfo work)
    {
        await Checkpoints.SignAsync(api.Client);
        using var response = await api.Client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var zip = Path.Combine(work.FullName, $"{Guid.NewGuid():N}.zip");
        await File.WriteAllBytesAsync(zip, await response.Content.ReadAsByteArrayAsync());
        return BundleTampering.Unpack(zip, Path.Combine(work.FullName, Guid.NewGuid().ToString("N")));
    }

    public static async Task<BundleVerificationResult> VerifyAsync(ApiFixture api, string directory)
    {
        var key = await api.Client.GetFromJsonAsync<JsonElement>("/checkpoints/public-key");
        return await new AuditBundleVerifier(VerifierKey.Parse(key.GetProperty("verifierKey").GetString()!)) { MaxFailures = 50 }.VerifyAsync(directory);
    }
}
