using Provenance.Cli.Verifying;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Tests.Bundles;
using static Provenance.Integrity.Tests.Bundles.BundleFolder;

namespace Provenance.Cli.Tests;

/// <summary><c>provenance verify</c> runs offline: these tests give it no API, and fail if it asks for one.</summary>
public sealed class VerifyingABundleTests : IAsyncLifetime, IDisposable
{
    private readonly TestLog _log = new();
    private readonly BundleFolder _folder = new();

    public async Task InitializeAsync() => await _log.WriteModelBundleAsync(_folder.Bundle);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _folder.Dispose();
        _log.Dispose();
    }

    private static Task<CliRun> ProvenanceAsync(params string[] args) =>
        Cli.RunAsync(_ => throw new InvalidOperationException("verify must not reach for the API."), args);

    [Fact]
    public async Task A_valid_bundle_verified_with_the_logs_key_exits_0_and_says_valid()
    {
        var run = await ProvenanceAsync("verify", _folder.Bundle, "--key", _log.VerifierKey.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("VALID: every event is, byte for byte, the event the ledger committed to", run.Output, StringComparison.Ordinal);
        Assert.Contains($"Trusted key: {TestLog.Origin}+{_log.VerifierKey.KeyId:x8} (given with --key)", run.Output, StringComparison.Ordinal);
        Assert.Contains("tree size 160", run.Output, StringComparison.Ordinal);
        Assert.Contains("(signature verified)", run.Output, StringComparison.Ordinal);
        Assert.Empty(run.Errors);
    }

    [Fact]
    public async Task A_zip_verifies_with_the_key_read_from_a_file()
    {
        await ZipBundle.PackAsync(_folder.Bundle, _folder.Zip);
        var keyFile = Path.Combine(_folder.Root, "ledger.pub");
        await File.WriteAllTextAsync(keyFile, _log.VerifierKey + "\n");

        var run = await ProvenanceAsync("verify", _folder.Zip, "--key", keyFile);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("(ZIP archive)", run.Output, StringComparison.Ordinal);
        Assert.Contains("VALID", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_key_it_trusts_the_bundles_own_key_and_says_so()
    {
        var run = await ProvenanceAsync("verify", _folder.Bundle);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("No --key given: the bundle's own public-key.txt is trusted.", run.Output, StringComparison.Ordinal);
        Assert.Contains("VALID against the bundle's own key", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_event_exits_1_naming_the_file_line_position_and_event()
    {
        var lines = _folder.Lines(AuditBundleFiles.Events);
        var target = System.Text.Json.JsonDocument.Parse(lines[4]).RootElement;
        _folder.EditLines(AuditBundleFiles.Events, l => l[4] = Utf8(Text(l[4]).Replace("\"schemaVersion\":1", "\"schemaVersion\":7", StringComparison.Ordinal)));

        var run = await ProvenanceAsync("verify", _folder.Bundle, "--key", _log.VerifierKey.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("INVALID: 2 checks failed.", run.Output, StringComparison.Ordinal);
        Assert.Contains(
            $"events.ndjson:5: position {target.GetProperty("position").GetInt64()}, event {target.GetProperty("id").GetString()}: the event is not the one the checkpoint's tree holds at this position",
            run.Output, StringComparison.Ordinal);
        Assert.Contains("events.ndjson: the file's SHA-256 is", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_logs_key_exits_1_because_the_checkpoint_is_not_signed_by_it()
    {
        using var other = new TestLog(events: 10);

        var run = await ProvenanceAsync("verify", _folder.Bundle, "--key", other.VerifierKey.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("checkpoint.txt: the checkpoint is not signed by the key", run.Output, StringComparison.Ordinal);
        Assert.Contains("public-key.txt:1: the file holds the key", run.Output, StringComparison.Ordinal);
        Assert.Contains("(signature NOT verified)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_failures_than_are_listed_are_counted()
    {
        _folder.EditLines(AuditBundleFiles.Events, lines =>
        {
            for (var i = 0; i < lines.Count; i++)
            {
                lines[i] = Utf8(Text(lines[i]).Replace("\"schemaVersion\":1", "\"schemaVersion\":3", StringComparison.Ordinal));
            }
        });

        var run = await ProvenanceAsync("verify", _folder.Bundle, "--key", _log.VerifierKey.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"… and \d+ more \(the first 20 are listed\)\.", run.Output);
    }

    [Fact]
    public async Task A_bundle_that_is_not_there_exits_2()
    {
        var run = await ProvenanceAsync("verify", Path.Combine(_folder.Root, "nowhere"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("There is no bundle at", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_zip_exits_1_as_an_unreadable_bundle()
    {
        await File.WriteAllTextAsync(_folder.Zip, "not a zip");

        var run = await ProvenanceAsync("verify", _folder.Zip, "--key", _log.VerifierKey.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("bundle.zip: the bundle cannot be read", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("verify", "bundle", "--key")]
    [InlineData("verify", "a", "b")]
    public async Task A_usage_error_exits_2(params string[] args)
    {
        var run = await ProvenanceAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.NotEmpty(run.Errors);
    }

    [Fact]
    public async Task A_key_that_is_not_a_verifier_key_exits_2()
    {
        var run = await ProvenanceAsync("verify", _folder.Bundle, "--key", "provenance.example.org/ledger+0000+nope");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--key is neither a verifier key (name+keyid+key) nor a file holding one", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_a_progress_bar_of_the_events_is_drawn()
    {
        var output = new StringWriter();

        var result = await VerifyProgress.RunAsync(Cli.Console(output, terminal: true), progress =>
            new AuditBundleVerifier(_log.VerifierKey) { Progress = progress }.VerifyAsync(_folder.Bundle));

        Assert.True(result.IsValid);
        Assert.Contains("Verifying events", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("100%", output.ToString(), StringComparison.Ordinal);
    }
}
