using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;
using Spectre.Console;

namespace Provenance.Cli.Verifying;

/// <summary>
/// <c>provenance consistency &lt;saved checkpoint&gt; --key &lt;verifier key&gt;</c> (#8): does the
/// ledger as the service holds it now extend a checkpoint saved earlier? After a restore from backup,
/// a yes proves that none of the events the saved checkpoint covers was lost or changed. Both
/// checkpoints' signatures and the RFC 9162 consistency proof between them are checked here, with
/// the published key; the service is trusted for nothing.
/// </summary>
internal static class ConsistencyCommand
{
    public static Command Create(Option<string> api, CliHost host)
    {
        var saved = new Argument<string>("checkpoint") { Description = "A file holding a signed checkpoint kept earlier (the note text of GET /checkpoints/latest)" };
        var key = new Option<string>("--key")
        {
            Description = "The log's verifier key (name+keyid+key), or a file holding it, obtained out of band",
            HelpName = "key-or-file",
            Required = true,
        };
        var command = new Command("consistency", "Prove that the ledger's current Merkle tree extends a checkpoint saved earlier: nothing it covers was lost or changed")
        {
            saved,
            key,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var apiText = parseResult.GetValue(api);
            if (!ApiAddress.TryResolve(apiText, host, out var address))
            {
                return ExitCodes.UsageOrConnectionError;
            }

            var path = parseResult.GetRequiredValue(saved);
            if (!File.Exists(path))
            {
                host.Error.WriteError($"There is no saved checkpoint at '{path}'.");
                return ExitCodes.UsageOrConnectionError;
            }

            if (!VerifyCommand.TryReadKey(parseResult.GetRequiredValue(key), host, out var verifierKey) || verifierKey is null)
            {
                return ExitCodes.UsageOrConnectionError;
            }

            var verifier = new CheckpointVerifier(verifierKey, verifierKey.Name);
            Checkpoint old;
            try
            {
                old = verifier.Verify(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
            }
            catch (CheckpointVerificationException e)
            {
                host.Error.WriteError($"The saved checkpoint does not verify with this key: {e.Message}");
                return ExitCodes.BundleInvalid;
            }

            using var http = host.CreateHttpClient(address);
            try
            {
                var latestBody = await http.GetFromJsonAsync<JsonElement>(new Uri("checkpoints/latest", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                Checkpoint latest;
                try
                {
                    latest = verifier.Verify(latestBody.GetProperty("note").GetString()!);
                }
                catch (CheckpointVerificationException e)
                {
                    return Inconsistent(host, $"the service's latest checkpoint does not verify with this key: {e.Message}");
                }

                host.Out.WriteLine($"Saved checkpoint: tree size {old.TreeSize:N0}. The service's latest: tree size {latest.TreeSize:N0}.");
                if (latest.TreeSize < old.TreeSize)
                {
                    return Inconsistent(host, $"the service's latest checkpoint covers {latest.TreeSize:N0} events, fewer than the {old.TreeSize:N0} the saved one covers: " +
                        "events were lost (a restore to an earlier point?), or no checkpoint has been signed since the restore (POST /checkpoints, as an administrator, then run this again)");
                }

                if (latest.TreeSize == old.TreeSize)
                {
                    return old.RootHash.Span.SequenceEqual(latest.RootHash.Span)
                        ? Consistent(host, old, latest)
                        : Inconsistent(host, "the two checkpoints cover as many events but have different roots: the log was changed");
                }

                var proof = await http.GetFromJsonAsync<JsonElement>(
                    new Uri($"checkpoints/consistency-proof?from={old.TreeSize}&to={latest.TreeSize}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                var hashes = proof.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
                try
                {
                    MerkleTree.VerifyConsistency(old.TreeSize, latest.TreeSize, hashes, old.RootHash.Span, latest.RootHash.Span);
                }
                catch (MerkleProofException e)
                {
                    return Inconsistent(host, $"the consistency proof from tree size {old.TreeSize:N0} to {latest.TreeSize:N0} does not hold: {e.Message}");
                }

                return Consistent(host, old, latest);
            }
            catch (HttpRequestException e)
            {
                host.Error.WriteError($"Could not get the service's checkpoint or proof from {address}: {e.Message}{(e.StatusCode is { } status ? ApiCredentials.HintFor(status) : "")}");
                return ExitCodes.UsageOrConnectionError;
            }
        });
        return command;
    }

    private static int Consistent(CliHost host, Checkpoint old, Checkpoint latest)
    {
        host.Out.MarkupLine($"[green]CONSISTENT[/]: the ledger's tree of {latest.TreeSize:N0} events extends the saved checkpoint of {old.TreeSize:N0}: " +
            "none of the events it covers was lost or changed.");
        return ExitCodes.Success;
    }

    private static int Inconsistent(CliHost host, string reason)
    {
        host.Out.MarkupLine($"[red]INCONSISTENT[/]: {Markup.Escape(reason)}.");
        return ExitCodes.BundleInvalid;
    }
}
