using System.CommandLine;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Witnessing;
using Spectre.Console;

namespace Provenance.Cli.Verifying;

/// <summary>
/// <c>provenance verify &lt;bundle&gt; [--key &lt;verifier key or file&gt;] [--witness &lt;key or file&gt;]… [--quorum k]</c>:
/// checks an audit bundle (a directory or a ZIP archive) offline, as docs/audit-bundle-format.md
/// specifies, and (#17) that at least k of the given witnesses cosigned its checkpoint. It needs
/// no API: no <c>--api</c>, no network.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliHost host)
    {
        var bundle = new Argument<string>("bundle")
        {
            Description = "The audit bundle: a directory, or a ZIP archive of one",
        };
        var key = new Option<string?>("--key")
        {
            Description = "The log's verifier key (name+keyid+key), or a file holding it; without it, the bundle's own public-key.txt is trusted",
            HelpName = "key-or-file",
        };
        var witnesses = new Option<string[]>("--witness")
        {
            Description = "A witness's verifier key (name+keyid+key, type 0x04), or a file holding it; repeat for more. Its cosignature of the checkpoint is checked",
            HelpName = "key-or-file",
        };
        var quorum = new Option<int?>("--quorum")
        {
            Description = "How many of the --witness keys must have cosigned the checkpoint (default: all of them)",
            HelpName = "k",
        };
        var command = new Command("verify", "Verify an audit bundle offline: the checkpoint's signature (and witnesses' cosignatures), every event's inclusion proof, the manifest's hashes and claims")
        {
            bundle,
            key,
            witnesses,
            quorum,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetRequiredValue(bundle);
            if (!Directory.Exists(path) && !File.Exists(path))
            {
                host.Error.WriteError($"There is no bundle at '{path}': give a bundle directory or a ZIP archive of one.");
                return ExitCodes.UsageOrConnectionError;
            }

            var keyText = parseResult.GetValue(key);
            VerifierKey? trusted = null;
            if (keyText is not null && !TryReadKey(keyText, host, out trusted))
            {
                return ExitCodes.UsageOrConnectionError;
            }

            var witnessKeys = new List<WitnessKey>();
            foreach (var text in parseResult.GetValue(witnesses) ?? [])
            {
                if (!TryReadKey(text, "--witness", "a witness's verifier key (name+keyid+base64 of type 0x04)", WitnessKey.Parse, host, out var witnessKey))
                {
                    return ExitCodes.UsageOrConnectionError;
                }

                witnessKeys.Add(witnessKey!);
            }

            var required = parseResult.GetValue(quorum) ?? witnessKeys.Count;
            if (required < 0 || required > witnessKeys.Count)
            {
                host.Error.WriteError($"--quorum must be between 0 and the number of --witness keys ({witnessKeys.Count}).");
                return ExitCodes.UsageOrConnectionError;
            }

            return await VerifyAsync(path, trusted, witnessKeys, required, host, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> VerifyAsync(
        string path, VerifierKey? trusted, IReadOnlyList<WitnessKey> witnesses, int quorum, CliHost host, CancellationToken cancellationToken)
    {
        var kind = Directory.Exists(path) ? "directory" : "ZIP archive";
        host.Out.WriteLine($"Verifying the audit bundle {path} ({kind}), offline.");
        if (trusted is null)
        {
            host.Out.MarkupLine("[yellow]No --key given: the bundle's own public-key.txt is trusted.[/] That shows the bundle is consistent, " +
                "not that the ledger's operator signed it; give the published key with --key.");
        }
        else
        {
            host.Out.WriteLine($"Trusted key: {trusted.Name}+{trusted.KeyId:x8} (given with --key).");
        }

        try
        {
            var result = await VerifyProgress.RunAsync(host.Out, progress =>
                new AuditBundleVerifier(trusted) { Progress = progress, Witnesses = witnesses, Quorum = quorum }.VerifyAsync(path, cancellationToken)).ConfigureAwait(false);
            VerificationReport.Write(host.Out, result);
            return result.IsValid ? ExitCodes.Success : ExitCodes.BundleInvalid;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            host.Error.WriteError("Interrupted: the bundle was not verified.");
            return ExitCodes.Interrupted;
        }
        catch (IOException e)
        {
            host.Error.WriteError($"The bundle could not be read: {e.Message}");
            return ExitCodes.UsageOrConnectionError;
        }
        catch (UnauthorizedAccessException e)
        {
            host.Error.WriteError($"The bundle could not be read: {e.Message}");
            return ExitCodes.UsageOrConnectionError;
        }
    }

    /// <summary>The log's verifier key given to <c>--key</c>, as text or in a file (its first line).</summary>
    internal static bool TryReadKey(string text, CliHost host, out VerifierKey? key) =>
        TryReadKey(text, "--key", "a verifier key (name+keyid+key)", VerifierKey.Parse, host, out key);

    /// <summary>A key given to <paramref name="option"/> as text or in a file (its first line), read by <paramref name="parse"/>; an error naming the option otherwise.</summary>
    internal static bool TryReadKey<TKey>(string text, string option, string what, Func<string, TKey> parse, CliHost host, out TKey? key)
        where TKey : class
    {
        key = null;
        var fromFile = File.Exists(text);
        try
        {
            key = parse(fromFile ? File.ReadLines(text).FirstOrDefault()?.Trim() ?? "" : text.Trim());
            return true;
        }
        catch (FormatException e)
        {
            host.Error.WriteError(fromFile
                ? $"{option}: the file '{text}' does not start with {what}: {e.Message}"
                : $"{option} is neither {what} nor a file holding one: {e.Message}");
            return false;
        }
        catch (IOException e)
        {
            host.Error.WriteError($"{option}: the file '{text}' could not be read: {e.Message}");
            return false;
        }
    }
}
