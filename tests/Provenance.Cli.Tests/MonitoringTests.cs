using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Cli.Tests;

/// <summary>
/// #16: <c>provenance monitor</c> recomputes the stream index from a whole-log bundle and checks the
/// root every signed checkpoint carries; a checkpoint signed with the log's own key over a root the
/// events do not give (a log hiding a stream from its index) is reported as a mismatch.
/// </summary>
public sealed class MonitoringTests(CliFixture api) : IClassFixture<CliFixture>
{
    [Fact]
    public async Task The_signed_stream_index_roots_are_the_ones_the_logs_events_give_and_a_forged_one_is_caught()
    {
        using var files = new ImportFiles();
        Assert.Equal(0, (await Cli.RunAsync(uri => api.CreateClient(uri), "import", files.Write("one.ndjson", ImportFiles.RegisterDataset("monitored")))).ExitCode);
        using var http = api.CreateClient();
        var older = await (await http.PostAsync("/checkpoints", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, (await Cli.RunAsync(uri => api.CreateClient(uri), "import", files.Write("two.ndjson", ImportFiles.RegisterDataset("monitored later")))).ExitCode);
        (await http.PostAsync("/checkpoints", null)).EnsureSuccessStatusCode();
        var key = (await http.GetFromJsonAsync<JsonElement>("/checkpoints/public-key")).GetProperty("verifierKey").GetString()!;
        var bundle = files.Path("whole-log");
        var export = await Cli.RunAsync(uri => api.CreateClient(uri), "export", "--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z", "--out", bundle);
        Assert.True(export.ExitCode == 0, export.Errors + export.Output);
        var olderNote = files.WriteText("older.note", older.GetProperty("note").GetString()!);

        // The log's own key signs a checkpoint of the older size over another stream index root.
        var checkpoint = Checkpoint.FromTrustedNote(older.GetProperty("note").GetString()!);
        using var signingKey = ECDsa.Create();
        signingKey.ImportFromPem(api.SigningKeyPem);
        using var signer = new CheckpointSigner(VerifierKey.Parse(key).Name, signingKey);
        var forged = files.WriteText("forged.note", signer.Sign(new Checkpoint(checkpoint.Origin, checkpoint.TreeSize, checkpoint.RootHash.Span,
            [StreamIndexCheckpoint.Line(SHA256.HashData("a root that hides a stream"u8))])));

        var honest = await Cli.RunAsync(_ => throw new InvalidOperationException("monitor is offline"), "monitor", bundle, "--key", key, "--checkpoint", olderNote);
        var caught = await Cli.RunAsync(_ => throw new InvalidOperationException("monitor is offline"), "monitor", bundle, "--key", key, "--checkpoint", forged);

        Assert.True(honest.ExitCode == 0, honest.Errors + honest.Output);
        Assert.Contains("CONSISTENT", honest.Output, StringComparison.Ordinal);
        Assert.Equal(2, honest.Output.Split('\n').Count(l => l.Contains("recomputed", StringComparison.Ordinal)));
        Assert.Equal(1, caught.ExitCode);
        Assert.Contains("MISMATCH", caught.Output, StringComparison.Ordinal);
        Assert.Contains($"tree size {checkpoint.TreeSize:N0}", caught.Output, StringComparison.Ordinal);
    }
}
