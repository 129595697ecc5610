using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Provenance.Api.Tests.Exports;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Witnessing;
using Provenance.Testing;
using Provenance.Witness;

namespace Provenance.Api.Tests.Integrity;

/// <summary>
/// #17, end to end: the ledger submits each new checkpoint to its witnesses (real witness hosts on
/// loopback), stores their cosignatures and serves them in the note; a checkpoint counts as
/// published once the quorum cosigned; a bundle carries the cosigned checkpoint, and verify with
/// the witnesses' keys and a quorum passes, and fails when a cosignature is removed or forged.
/// While a witness is down the ledger carries on and /health/ready says so.
/// </summary>
public sealed class WitnessingTests(ApiFixture api) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("provenance-witnessing-");

    [Fact]
    public async Task Two_witnesses_cosign_each_checkpoint_and_a_bundle_verifies_with_a_quorum_of_two_only_while_both_cosignatures_hold()
    {
        using var w1 = WitnessSigner.Generate("w1.witness.test");
        using var w2 = WitnessSigner.Generate("w2.witness.test");
        var (url1, url2) = (FreeUrl(), FreeUrl());
        await using var ledger = Ledger((url1, w1.VerifierKey), (url2, w2.VerifierKey));
        using var client = api.AdminClientOf(ledger);
        var logKey = VerifierKey.Parse((await client.GetFromJsonAsync<JsonElement>("/checkpoints/public-key")).GetProperty("verifierKey").GetString()!);
        await using var witness1 = await StartWitnessAsync(w1, url1, logKey, "w1");
        await using var witness2 = await StartWitnessAsync(w2, url2, logKey, "w2");

        // Two checkpoints: the second reaches each witness with a consistency proof from the first.
        foreach (var round in new[] { "first", "second" })
        {
            using (var created = await client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset($"Witnessed dataset, {round} round"))))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            var (size, _, body, _) = await Checkpoints.SignAsync(client);
            Assert.False(body.GetProperty("published").GetBoolean());
            var published = await Eventually.ReturnsAsync(
                () => client.GetFromJsonAsync<JsonElement>($"/checkpoints/{size}"), c => c.GetProperty("published").GetBoolean(), $"both witnesses cosigned the {round} checkpoint");

            Assert.Equal(["w1.witness.test", "w2.witness.test"], published.GetProperty("cosignatures").EnumerateArray().Select(c => c.GetProperty("witness").GetString()));
            var check = CosignedNote.Check(published.GetProperty("note").GetString()!, [w1.VerifierKey, w2.VerifierKey]);
            Assert.Equal(2, check.Cosigned.Count);
            Assert.Equal((ulong)size, witness1.Witness.Latest(logKey.Name)!.Size);
            Assert.Equal((ulong)size, witness2.Witness.Latest(logKey.Name)!.Size);
        }

        // #20: the metrics count each witness's cosignatures and tell how old its latest is.
        var w1Label = ("provenance_witness", "w1.witness.test");
        var scrape = await Eventually.ReturnsAsync(async () => new Telemetry.PrometheusText(await client.GetStringAsync("/metrics")),
            s => s.Sum("provenance_witness_submissions_total", w1Label, ("outcome", "cosigned")) >= 2 && s.Has("provenance_witness_cosignature_age_seconds", w1Label),
            "the scrape shows both cosignatures of w1");
        Assert.InRange(scrape.Sum("provenance_witness_cosignature_age_seconds", w1Label), 0, 60);

        // The bundle carries the cosigned checkpoint.
        var latest = await client.GetFromJsonAsync<JsonElement>("/checkpoints/latest");
        var bundle = await ExportAsync(client, latest.GetProperty("treeSize").GetInt64());
        var verifier = new AuditBundleVerifier(logKey) { Witnesses = [w1.VerifierKey, w2.VerifierKey], Quorum = 2 };
        var valid = await verifier.VerifyAsync(bundle.Directory);
        Assert.True(valid.IsValid, string.Join("; ", valid.Failures.Select(f => f.Reason)));
        Assert.Equal(2, valid.Witnesses!.Cosigned.Count);

        // A cosignature removed: the quorum of two fails, naming who signed; one of one still holds.
        var lines = File.ReadAllText(Path.Combine(bundle.Directory, AuditBundleFiles.Checkpoint));
        var withoutW2 = string.Concat(lines.Split('\n').Where(l => !l.StartsWith("\u2014 w2.witness.test ", StringComparison.Ordinal)).Select(l => l + "\n"))[..^1];
        File.WriteAllText(Path.Combine(bundle.Directory, AuditBundleFiles.Checkpoint), withoutW2);
        bundle.Reseal();
        var removed = await verifier.VerifyAsync(bundle.Directory);
        Assert.False(removed.IsValid);
        Assert.Contains(removed.Failures, f => f.Reason.Contains("cosigned by 1 of the 2 given witnesses (w1.witness.test); the quorum is 2", StringComparison.Ordinal));
        Assert.True((await new AuditBundleVerifier(logKey) { Witnesses = [w1.VerifierKey], Quorum = 1 }.VerifyAsync(bundle.Directory)).IsValid);

        // A cosignature forged (its signature altered): refused, naming the witness.
        var w1Line = withoutW2.Split('\n').Single(l => l.StartsWith("\u2014 w1.witness.test ", StringComparison.Ordinal));
        var raw = Convert.FromBase64String(w1Line.Split(' ')[2]);
        raw[^1] ^= 0x01;
        File.WriteAllText(Path.Combine(bundle.Directory, AuditBundleFiles.Checkpoint), withoutW2.Replace(w1Line, $"\u2014 w1.witness.test {Convert.ToBase64String(raw)}", StringComparison.Ordinal));
        bundle.Reseal();
        var forged = await new AuditBundleVerifier(logKey) { Witnesses = [w1.VerifierKey], Quorum = 1 }.VerifyAsync(bundle.Directory);
        Assert.False(forged.IsValid);
        Assert.Contains(forged.Failures, f => f.Reason.Contains("witness w1.witness.test", StringComparison.Ordinal) && f.Reason.Contains("does not verify", StringComparison.Ordinal));
    }

    [Fact]
    public async Task While_a_witness_is_down_the_ledger_carries_on_and_readiness_reports_it_until_it_cosigns_again()
    {
        using var witnessKey = WitnessSigner.Generate("down.witness.test");
        var url = FreeUrl();
        await using var ledger = Ledger((url, witnessKey.VerifierKey));
        using var client = api.AdminClientOf(ledger);
        using var anonymous = ledger.CreateClient();

        using (var created = await client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("Written while the witness is down"))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var (size, _, body, _) = await Checkpoints.SignAsync(client);
        Assert.False(body.GetProperty("published").GetBoolean());
        await Eventually.HoldsAsync(async () => (await anonymous.GetStringAsync("/health/ready")) == "Degraded", "readiness reports the witness that does not answer");
        var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        // Degraded because of the witness, not of anything else readiness checks.
        var witnesses = await WitnessHealthAsync(ledger);
        Assert.Equal(HealthStatus.Degraded, witnesses.Status);
        Assert.Contains("witness down.witness.test has not cosigned", witnesses.Description, StringComparison.Ordinal);
        Assert.Contains(api.Logs.Entries, e => e.Message.Contains("down.witness.test", StringComparison.Ordinal) && e.Message.Contains("did not cosign", StringComparison.Ordinal));

        // It comes back: the checkpoint is cosigned, published, and readiness is healthy again.
        var logKey = VerifierKey.Parse((await client.GetFromJsonAsync<JsonElement>("/checkpoints/public-key")).GetProperty("verifierKey").GetString()!);
        await using var witness = await StartWitnessAsync(witnessKey, url, logKey, "back");
        await Eventually.ReturnsAsync(() => client.GetFromJsonAsync<JsonElement>($"/checkpoints/{size}"), c => c.GetProperty("published").GetBoolean(), "the witness cosigned once back");
        await Eventually.HoldsAsync(async () => (await anonymous.GetStringAsync("/health/ready")) == "Healthy", "readiness is healthy again");
        Assert.Equal(HealthStatus.Healthy, (await WitnessHealthAsync(ledger)).Status);
    }

    private static Task<HealthCheckResult> WitnessHealthAsync(WebApplicationFactory<Program> ledger) =>
        ((IHealthCheck)ledger.Services.GetService(typeof(Provenance.Api.Infrastructure.Health.WitnessHealthCheck))!).CheckHealthAsync(new HealthCheckContext());

    public void Dispose() => _work.Delete(recursive: true);

    private WebApplicationFactory<Program> Ledger(params (string Url, WitnessKey Key)[] witnesses) => api.NewInstance(web =>
    {
        for (var i = 0; i < witnesses.Length; i++)
        {
            web.UseSetting($"Provenance:Witnessing:Witnesses:{i}:Url", witnesses[i].Url);
            web.UseSetting($"Provenance:Witnessing:Witnesses:{i}:Key", witnesses[i].Key.ToString());
        }

        web.UseSetting("Provenance:Witnessing:RetryAfter", "00:00:00.100");
        web.UseSetting("Provenance:Witnessing:MaxRetryAfter", "00:00:00.300");
        web.UseSetting("Provenance:Witnessing:ReportAfter", "00:00:00.200");
        web.UseSetting("Provenance:Witnessing:Timeout", "00:00:02");
    });

    private async Task<RunningWitness> StartWitnessAsync(WitnessSigner signer, string url, VerifierKey logKey, string name)
    {
        var app = WitnessHost.Build(new WitnessOptions(signer, Path.Combine(_work.FullName, name), [logKey]), url, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return new RunningWitness(app);
    }

    private async Task<BundleTampering> ExportAsync(HttpClient client, long treeSize)
    {
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        using var response = await client.GetAsync($"/audit-bundles?kind=time-range&from=2000-01-01T00:00:00Z&to={to}&treeSize={treeSize}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var zip = Path.Combine(_work.FullName, $"{Guid.NewGuid():N}.zip");
        await File.WriteAllBytesAsync(zip, await response.Content.ReadAsByteArrayAsync());
        return BundleTampering.Unpack(zip, Path.Combine(_work.FullName, Guid.NewGuid().ToString("N")));
    }

    private static string FreeUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }

    private sealed class RunningWitness(WebApplication app) : IAsyncDisposable
    {
        public Witness.Witness Witness => (Witness.Witness)app.Services.GetService(typeof(Witness.Witness))!;

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
