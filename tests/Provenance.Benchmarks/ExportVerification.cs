using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;

namespace Provenance.Benchmarks;

/// <summary>
/// The whole ledger as one audit bundle, the way a regulator gets it: signs a checkpoint of the
/// tree as it stands, downloads the time-range bundle of every event (a ZIP) from the API, then
/// verifies it offline with the key from /checkpoints/public-key. Measures both against the
/// machine's raw SHA-256 throughput, measured in the same run.
/// </summary>
internal static class ExportVerification
{
    public static async Task<int> RunAsync(Arguments options)
    {
        var url = new Uri(options.Required("url"));
        using var http = LineageLatency.Client(url, TimeSpan.FromHours(1));
        using (var sign = await http.PostAsync(new Uri("/checkpoints", UriKind.Relative), null))
        {
            sign.EnsureSuccessStatusCode();
        }

        var keyText = (await http.GetFromJsonAsync<JsonElement>(new Uri("/checkpoints/public-key", UriKind.Relative))).GetProperty("verifierKey").GetString()!;
        var key = VerifierKey.Parse(keyText);
        var folder = Directory.CreateTempSubdirectory("provenance-export-benchmark-");
        try
        {
            var zip = Path.Combine(folder.FullName, "bundle.zip");
            var clock = Stopwatch.StartNew();
            long events;
            using (var response = await http.GetAsync(
                new Uri("/audit-bundles?kind=time-range&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
            {
                if (!response.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"The export answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    return 1;
                }

                events = long.Parse(response.Headers.GetValues("X-Provenance-Event-Count").Single(), System.Globalization.CultureInfo.InvariantCulture);
                await using var file = File.Create(zip);
                await response.Content.CopyToAsync(file);
            }

            var exportSeconds = clock.Elapsed.TotalSeconds;
            var bytes = new FileInfo(zip).Length;
            Console.WriteLine($"Exported {events:N0} events ({bytes / 1e6:N0} MB ZIP) in {exportSeconds:N1} s: {events / exportSeconds:N0} events/s, {bytes / 1e6 / exportSeconds:N1} MB/s.");

            // #22: what a regulator runs, the command-line verifier in a process of its own (its start
            // and its compiling included); in this process when no --cli is given.
            clock.Restart();
            var verified = options.Optional("cli") is { } cli
                ? await VerifyWithCliAsync(cli, zip, keyText, events)
                : VerifyInProcess(await new AuditBundleVerifier(key).VerifyAsync(zip), events);
            var verifySeconds = clock.Elapsed.TotalSeconds;
            if (!verified)
            {
                return 1;
            }

            Console.WriteLine($"Verified it offline{(options.Optional("cli") is null ? "" : " with the command-line verifier")} in {verifySeconds:N1} s: {events / verifySeconds:N0} events/s, {bytes / 1e6 / verifySeconds:N1} MB/s of ZIP.");
            var sha256 = BundleVerification.Sha256MegabytesPerSecond();
            Console.WriteLine($"SHA-256 on this machine, one core: {sha256:N0} MB/s.");
            Report.Result("export.events", events);
            Report.Result("export.bytes", bytes);
            Report.Result("export.events_per_s", events / exportSeconds);
            Report.Result("export.mb_per_s", bytes / 1e6 / exportSeconds);
            Report.Result("verify.events_per_s", events / verifySeconds);
            Report.Result("verify.mb_per_s", bytes / 1e6 / verifySeconds);
            Report.Result("sha256.mb_per_s", sha256);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static bool VerifyInProcess(BundleVerificationResult result, long events)
    {
        if (result.IsValid && result.EventCount == events)
        {
            return true;
        }

        Console.Error.WriteLine($"The exported bundle did not verify: {string.Join("; ", result.Failures)}");
        return false;
    }

    /// <summary>Runs <c>provenance verify &lt;zip&gt; --key &lt;key&gt;</c>: the bundle verified when it exits 0 having counted every event.</summary>
    private static async Task<bool> VerifyWithCliAsync(string cli, string zip, string key, long events)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { cli, "verify", zip, "--key", key })
        {
            start.ArgumentList.Add(argument);
        }

        using var verifier = Process.Start(start)!;
        var output = verifier.StandardOutput.ReadToEndAsync();
        var errors = verifier.StandardError.ReadToEndAsync();
        await verifier.WaitForExitAsync();
        if (verifier.ExitCode == 0 && (await output).Contains($"{events:N0} in the bundle", StringComparison.Ordinal))
        {
            return true;
        }

        Console.Error.WriteLine($"The command-line verifier exited with {verifier.ExitCode}:");
        Console.Error.WriteLine(await output);
        Console.Error.WriteLine(await errors);
        return false;
    }
}
