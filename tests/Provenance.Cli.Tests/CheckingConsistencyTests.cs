using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Provenance.Integrity.Checkpoints;

namespace Provenance.Cli.Tests;

/// <summary>
/// #8: after a restore, <c>provenance consistency</c> proves the ledger still extends a checkpoint
/// kept out of band, or says what is wrong. A forged checkpoint is signed with the service's own key,
/// as someone holding it could, so only the tree itself can tell it apart.
/// </summary>
public sealed class CheckingConsistencyTests(CliFixture api) : IClassFixture<CliFixture>
{
    private const string Origin = "provenance.example.org/ledger";

    [Fact]
    public async Task A_ledger_that_grew_since_a_saved_checkpoint_is_consistent_with_it()
    {
        using var files = new ImportFiles();
        var (saved, key) = await SignAndSaveAsync(files, "one.ndjson");
        await ImportAsync(files, "two.ndjson", "grown after the checkpoint");
        await SignAsync();

        var run = await Cli.RunAsync(uri => api.CreateClient(uri), "consistency", saved, "--key", key);

        Assert.True(run.ExitCode == 0, run.Errors + run.Output);
        Assert.Contains("CONSISTENT", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_the_ledger_does_not_extend_is_reported_inconsistent()
    {
        using var files = new ImportFiles();
        var (_, key) = await SignAndSaveAsync(files, "three.ndjson");
        var latest = await LatestAsync();
        using var signingKey = ECDsa.Create();
        signingKey.ImportFromPem(api.SigningKeyPem);
        using var signer = new CheckpointSigner(Origin, signingKey);

        // The same size with another root: the log was changed. A smaller size with another root: it was rewritten before that.
        var sameSize = files.WriteText("same-size.txt", signer.Sign(new Checkpoint(Origin, latest.TreeSize, SHA256.HashData("another history"u8))));
        var smaller = files.WriteText("smaller.txt", signer.Sign(new Checkpoint(Origin, latest.TreeSize - 1, SHA256.HashData("another history"u8))));
        var changed = await Cli.RunAsync(uri => api.CreateClient(uri), "consistency", sameSize, "--key", key);
        var rewritten = await Cli.RunAsync(uri => api.CreateClient(uri), "consistency", smaller, "--key", key);

        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("INCONSISTENT", changed.Output, StringComparison.Ordinal);
        Assert.Contains("different roots", changed.Output, StringComparison.Ordinal);
        Assert.Equal(1, rewritten.ExitCode);
        Assert.Contains("does not hold", rewritten.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saved_checkpoint_ahead_of_the_ledger_means_events_were_lost()
    {
        using var files = new ImportFiles();
        var (_, key) = await SignAndSaveAsync(files, "four.ndjson");
        var latest = await LatestAsync();
        using var signingKey = ECDsa.Create();
        signingKey.ImportFromPem(api.SigningKeyPem);
        using var signer = new CheckpointSigner(Origin, signingKey);
        var ahead = files.WriteText("ahead.txt", signer.Sign(new Checkpoint(Origin, latest.TreeSize + 5, SHA256.HashData("the future"u8))));

        var run = await Cli.RunAsync(uri => api.CreateClient(uri), "consistency", ahead, "--key", key);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("events were lost", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_signed_by_another_key_is_refused()
    {
        using var files = new ImportFiles();
        var (saved, _) = await SignAndSaveAsync(files, "five.ndjson");
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var run = await Cli.RunAsync(uri => api.CreateClient(uri), "consistency", saved, "--key", VerifierKey.FromPublicKey(Origin, other).ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not verify", run.Errors, StringComparison.Ordinal);
    }

    private async Task<(string Saved, string Key)> SignAndSaveAsync(ImportFiles files, string name)
    {
        await ImportAsync(files, name, $"before the checkpoint {name}");
        var note = await SignAsync();
        using var http = api.CreateClient();
        var key = (await http.GetFromJsonAsync<JsonElement>("/checkpoints/public-key")).GetProperty("verifierKey").GetString()!;
        return (files.WriteText($"saved-{name}.txt", note), key);
    }

    private async Task ImportAsync(ImportFiles files, string name, string dataset)
    {
        var import = await Cli.RunAsync(uri => api.CreateClient(uri), "import", files.Write(name, ImportFiles.RegisterDataset(dataset)));
        Assert.Equal(0, import.ExitCode);
    }

    private async Task<string> SignAsync()
    {
        using var http = api.CreateClient();
        using var response = await http.PostAsync("/checkpoints", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("note").GetString()!;
    }

    private async Task<Checkpoint> LatestAsync()
    {
        using var http = api.CreateClient();
        var note = (await http.GetFromJsonAsync<JsonElement>("/checkpoints/latest")).GetProperty("note").GetString()!;
        var key = (await http.GetFromJsonAsync<JsonElement>("/checkpoints/public-key")).GetProperty("verifierKey").GetString()!;
        return CheckpointVerifier.FromVerifierKey(key, Origin).Verify(note);
    }
}
