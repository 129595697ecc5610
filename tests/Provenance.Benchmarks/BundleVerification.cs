using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;
using Provenance.Integrity.Tests.Bundles;

namespace Provenance.Benchmarks;

/// <summary>
/// #5: how fast an audit bundle verifies offline. Writes a bundle of a synthetic log of N events
/// (every event, so every proof is a full RFC 9162 proof in the densest bundle there is), verifies
/// it, and measures the machine's raw SHA-256 throughput in the same run to compare with: the
/// verifier hashes each byte of the event files twice (the manifest's file hash, the leaf hash).
/// </summary>
internal static class BundleVerification
{
    private const string Origin = "provenance.example.org/ledger";
    private const int Sha256SampleBytes = 256_000_000;

    public static async Task<int> RunAsync(Arguments options)
    {
        var events = options.Number("events", 1_000_000);
        var seed = (int)options.Number("seed", 20261122);
        var folder = Directory.CreateTempSubdirectory("provenance-bundle-benchmark-");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signer = new CheckpointSigner(Origin, key);
        try
        {
            var bundle = Path.Combine(folder.FullName, "bundle");
            await WriteBundleAsync(bundle, events, seed, signer);
            var bytes = Directory.EnumerateFiles(bundle).Sum(f => new FileInfo(f).Length);
            FlushToDisk(bundle);

            // The writer's tree of a million leaves is garbage now: collect it before the clock starts, not during the run.
            GC.Collect();
            GC.WaitForPendingFinalizers();

            var clock = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var result = await new AuditBundleVerifier(signer.VerifierKey).VerifyAsync(bundle);
            var seconds = clock.Elapsed.TotalSeconds;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            if (!result.IsValid)
            {
                Console.Error.WriteLine($"The synthetic bundle did not verify: {string.Join("; ", result.Failures)}");
                return 1;
            }

            Console.WriteLine($"Verified {result.EventCount:N0} events ({bytes / 1e6:N0} MB) in {seconds:N2} s: {result.EventCount / seconds:N0} events/s, {bytes / 1e6 / seconds:N0} MB/s, " +
                $"{cpuSeconds * 1e6 / result.EventCount:N1} µs of CPU per event on {Environment.ProcessorCount} cores.");
            var sha256 = Sha256MegabytesPerSecond();
            Console.WriteLine($"SHA-256 on this machine, one core: {sha256:N0} MB/s.");
            Report.Result("verify.events", result.EventCount);
            Report.Result("verify.bytes", bytes);
            Report.Result("verify.seconds", seconds);
            Report.Result("verify.events_per_s", result.EventCount / seconds);
            Report.Result("verify.mb_per_s", bytes / 1e6 / seconds);
            Report.Result("verify.cpu_us_per_event", cpuSeconds * 1e6 / result.EventCount);
            Report.Result("sha256.mb_per_s", sha256);
            if (options.Optional("zip") == "true")
            {
                await VerifyZipAsync(bundle, Path.Combine(folder.FullName, "bundle.zip"), signer.VerifierKey);
            }

            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task WriteBundleAsync(string bundle, long events, int seed, CheckpointSigner signer)
    {
        var clock = Stopwatch.StartNew();
        var subtrees = new InMemorySubtreeHashSource();
        var tree = new MerkleTreeBuilder();
        byte[]? first = null, last = null;
        foreach (var e in new SyntheticLedger(seed).Generate(events))
        {
            subtrees.Add(tree.Append(MerkleTree.LeafHash(e.Envelope)));
            first ??= e.Envelope;
            last = e.Envelope;
        }

        Console.WriteLine($"Generated a log of {tree.Size:N0} events and its tree in {clock.Elapsed.TotalSeconds:N1} s.");
        clock.Restart();
        var note = signer.Sign(new Checkpoint(Origin, tree.Size, tree.RootHash()));
        var scope = BundleScope.ForTimeRange(RecordedAt(first!), RecordedAt(last!).AddTicks(TimeSpan.TicksPerMicrosecond));
        var header = new AuditBundleHeader(scope, BundleCompleteness.ForPositions(1, (long)tree.Size), note, signer.VerifierKey.ToString());
        await using (var writer = await AuditBundleWriter.CreateAsync(bundle, header))
        {
            foreach (var e in new SyntheticLedger(seed).Generate(events))
            {
                await writer.WriteEventAsync(e.Envelope, await MerkleTree.InclusionProofAsync(subtrees, (ulong)e.Position - 1, tree.Size));
            }

            await writer.CompleteAsync(Encoding.UTF8.GetBytes("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Benchmark</title></head><body></body></html>\n"));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"Wrote the bundle (regenerating the log, with a proof per event) in {seconds:N1} s.");
        Report.Result("write.events_per_s", tree.Size / seconds);
    }

    /// <summary>Waits until the bundle is on disk, so that the verification does not compete with the write-back of what was just written.</summary>
    private static void FlushToDisk(string bundle)
    {
        foreach (var file in Directory.EnumerateFiles(bundle))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            stream.Flush(flushToDisk: true);
        }
    }

    private static async Task VerifyZipAsync(string bundle, string zip, VerifierKey key)
    {
        var clock = Stopwatch.StartNew();
        await ZipBundle.PackAsync(bundle, zip);
        using (var stream = new FileStream(zip, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Flush(flushToDisk: true);
        }

        Console.WriteLine($"Packed the bundle into a {new FileInfo(zip).Length / 1e6:N0} MB ZIP in {clock.Elapsed.TotalSeconds:N1} s.");
        clock.Restart();
        var result = await new AuditBundleVerifier(key).VerifyAsync(zip);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"Verified the ZIP ({(result.IsValid ? "valid" : "INVALID")}) in {seconds:N2} s: {result.EventCount / seconds:N0} events/s.");
        Report.Result("verify_zip.events_per_s", result.EventCount / seconds);
    }

    private static DateTimeOffset RecordedAt(byte[] envelope)
    {
        using var document = JsonDocument.Parse(envelope);
        return document.RootElement.GetProperty("recordedAt").GetDateTimeOffset();
    }

    /// <summary>SHA-256 over 256 MB in 1 MB pieces, as a file is hashed.</summary>
    internal static double Sha256MegabytesPerSecond()
    {
        var piece = new byte[1 << 20];
        Random.Shared.NextBytes(piece);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha256.AppendData(piece);
        sha256.GetHashAndReset();
        var clock = Stopwatch.StartNew();
        for (var hashed = 0L; hashed < Sha256SampleBytes; hashed += piece.Length)
        {
            sha256.AppendData(piece);
        }

        sha256.GetHashAndReset();
        return Sha256SampleBytes / 1e6 / clock.Elapsed.TotalSeconds;
    }
}
