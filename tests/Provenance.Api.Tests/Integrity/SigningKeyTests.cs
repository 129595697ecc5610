using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Provenance.Integrity.Checkpoints;

namespace Provenance.Api.Tests.Integrity;

public sealed class SigningKeyTests(ApiFixture api) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("provenance-key-test-").FullName;

    [Fact]
    public void Without_a_signing_key_production_refuses_to_start_and_says_what_to_set()
    {
        using var production = api.NewInstance().WithWebHostBuilder(web => web.UseEnvironment("Production"));

        var error = Record.Exception(() => production.CreateClient());

        Assert.NotNull(error);
        var message = error.ToString();
        Assert.True(message.Contains("No checkpoint signing key is configured", StringComparison.Ordinal), message);
        Assert.Contains("Provenance:Integrity:SigningKeyFile", message, StringComparison.Ordinal);
        Assert.Contains("Provenance__Integrity__SigningKeyPem", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_key_file_is_created_once_readable_only_by_its_owner_and_reused_after_a_restart()
    {
        var path = Path.Combine(_folder, "keys", "checkpoint-key.pem");
        string first;
        await using (var instance = Production(("Provenance:Integrity:SigningKeyFile", path), ("Provenance:Integrity:CreateKeyIfMissing", "true")))
        {
            first = await VerifierKeyAsync(instance);
        }

        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        using var key = ECDsa.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(path));
        Assert.Equal(VerifierKey.FromPublicKey(Checkpoints.Origin, key).ToString(), first);
        await using var restarted = Production(("Provenance:Integrity:SigningKeyFile", path), ("Provenance:Integrity:CreateKeyIfMissing", "true"));
        Assert.Equal(first, await VerifierKeyAsync(restarted));
        AssertNoLogHolds(await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task A_key_given_as_pem_text_signs_and_is_never_logged()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportPkcs8PrivateKeyPem();
        await using var instance = Production(("Provenance:Integrity:SigningKeyPem", pem), ("Provenance:Integrity:Origin", "ledger.hospital.example/provenance"));
        using var client = api.AdminClientOf(instance);
        await Checkpoints.AppendDatasetsAsync(client, 1);

        var signed = await client.PostAsync("/checkpoints", null);

        var note = (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("note").GetString()!;
        var checkpoint = new CheckpointVerifier(VerifierKey.FromPublicKey("ledger.hospital.example/provenance", key), "ledger.hospital.example/provenance").Verify(note);
        Assert.True(checkpoint.TreeSize >= 1);
        AssertNoLogHolds(pem);
    }

    [Fact]
    public void A_key_file_without_a_p256_private_key_stops_start_up_without_echoing_the_file()
    {
        var path = Path.Combine(_folder, "broken.pem");
        File.WriteAllText(path, "-----BEGIN PRIVATE KEY-----\nU0VDUkVUU0VDUkVU\n-----END PRIVATE KEY-----\n");
        using var instance = Production(("Provenance:Integrity:SigningKeyFile", path));

        var error = Record.Exception(() => instance.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("holds no usable checkpoint signing key", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("U0VDUkVU", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_key_the_test_environment_signs_with_an_ephemeral_key_and_warns()
    {
        Assert.Contains(api.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("ephemeral key", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private WebApplicationFactory<Program> Production(params (string Key, string Value)[] settings) =>
        api.NewInstance().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });

    private async Task<string> VerifierKeyAsync(WebApplicationFactory<Program> instance)
    {
        using var client = api.AdminClientOf(instance);
        return (await client.GetFromJsonAsync<JsonElement>("/checkpoints/public-key")).GetProperty("verifierKey").GetString()!;
    }

    private void AssertNoLogHolds(string pem)
    {
        var secret = string.Concat(pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)));
        foreach (var entry in api.Logs.Entries)
        {
            var text = entry.Message + entry.Exception + string.Join(" ", entry.Properties.Values);
            Assert.DoesNotContain("-----BEGIN", text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[..24], text, StringComparison.Ordinal);
        }
    }
}
