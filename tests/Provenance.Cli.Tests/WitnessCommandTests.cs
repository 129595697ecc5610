using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Tests.Bundles;
using Provenance.Integrity.Witnessing;

namespace Provenance.Cli.Tests;

/// <summary>
/// #17: <c>provenance witness keygen</c> makes a witness's key (private key file of mode 600, the
/// verifier key printed), and <c>provenance verify --witness … --quorum k</c> requires k valid
/// cosignatures of the bundle's checkpoint from the given witnesses and says which signed.
/// </summary>
public sealed class WitnessCommandTests : IAsyncLifetime, IDisposable
{
    private readonly TestLog _log = new();
    private readonly BundleFolder _folder = new();
    private readonly WitnessSigner _w1 = WitnessSigner.Generate("w1.witness.test");
    private readonly WitnessSigner _w2 = WitnessSigner.Generate("w2.witness.test");

    public async Task InitializeAsync()
    {
        await _log.WriteModelBundleAsync(_folder.Bundle);
        // The checkpoint as a ledger with one witness would export it: the log's line, then w1's cosignature.
        _folder.EditText(AuditBundleFiles.Checkpoint, note => note + _w1.Sign(CosignedNote.Text(note), DateTimeOffset.UtcNow).ToLine());
        _folder.Reseal();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _folder.Dispose();
        _log.Dispose();
        _w1.Dispose();
        _w2.Dispose();
    }

    [Fact]
    public async Task Keygen_writes_a_private_key_only_its_owner_reads_and_prints_the_verifier_key_and_never_overwrites()
    {
        var file = Path.Combine(_folder.Root, "witness.key");

        var run = await ProvenanceAsync("witness", "keygen", "--name", "witness.example.org/w9", "--out", file);

        Assert.Equal(0, run.ExitCode);
        var key = WitnessKey.Parse(run.Output.Trim());
        Assert.Equal("witness.example.org/w9", key.Name);
        using (var signer = WitnessSigner.Parse(await File.ReadAllTextAsync(file)))
        {
            Assert.Equal(key.ToString(), signer.VerifierKey.ToString());
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var again = await ProvenanceAsync("witness", "keygen", "--name", "witness.example.org/w9", "--out", file);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("never overwritten", again.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_with_a_witness_that_cosigned_passes_and_names_it()
    {
        var run = await ProvenanceAsync("verify", _folder.Bundle, "--key", _log.VerifierKey.ToString(), "--witness", _w1.VerifierKey.ToString(), "--quorum", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Witnesses:", run.Output, StringComparison.Ordinal);
        Assert.Contains("cosigned by w1.witness.test", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_fails_when_the_quorum_is_not_met_and_says_which_witness_did_not_sign()
    {
        var keyFile = Path.Combine(_folder.Root, "w2.pub");
        await File.WriteAllTextAsync(keyFile, _w2.VerifierKey + "\n");

        var run = await ProvenanceAsync("verify", _folder.Bundle, "--key", _log.VerifierKey.ToString(), "--witness", _w1.VerifierKey.ToString(), "--witness", keyFile);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not by w2.witness.test", run.Output, StringComparison.Ordinal);
        Assert.Contains("cosigned by 1 of the 2 given witnesses (w1.witness.test); the quorum is 2", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_fails_on_a_forged_cosignature_and_on_a_quorum_past_the_witnesses_given()
    {
        _folder.EditText(AuditBundleFiles.Checkpoint, note =>
        {
            var line = note.Split('\n').Single(l => l.StartsWith("\u2014 w1.witness.test ", StringComparison.Ordinal));
            var signature = Convert.FromBase64String(line.Split(' ')[2]);
            signature[^1] ^= 0x01;
            return note.Replace(line, "\u2014 w1.witness.test " + Convert.ToBase64String(signature), StringComparison.Ordinal);
        });
        _folder.Reseal();

        var forged = await ProvenanceAsync("verify", _folder.Bundle, "--key", _log.VerifierKey.ToString(), "--witness", _w1.VerifierKey.ToString());
        var tooMany = await ProvenanceAsync("verify", _folder.Bundle, "--witness", _w1.VerifierKey.ToString(), "--quorum", "2");
        var notAKey = await ProvenanceAsync("verify", _folder.Bundle, "--witness", _log.VerifierKey.ToString());

        Assert.Equal(1, forged.ExitCode);
        Assert.Contains("witness w1.witness.test", forged.Output, StringComparison.Ordinal);
        Assert.Contains("does not verify", forged.Output, StringComparison.Ordinal);
        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("--quorum must be between 0 and the number of --witness keys (1)", tooMany.Errors, StringComparison.Ordinal);
        Assert.Equal(2, notAKey.ExitCode);
    }

    private static Task<CliRun> ProvenanceAsync(params string[] args) =>
        Cli.RunAsync(_ => throw new InvalidOperationException("these commands do not reach for the API."), args);
}
