using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Provenance.Cli.Verifying;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.StreamIndex;
using Spectre.Console;

namespace Provenance.Cli.Monitoring;

/// <summary>
/// <c>provenance monitor &lt;whole-log bundle&gt; [--key K] [--checkpoint FILE]…</c> (#16): keeps the log
/// honest about its stream index, as a Certificate Transparency monitor keeps a log honest. It
/// verifies a time-range bundle that holds the log from position 1, replays its events to recompute
/// the stream index, and checks the root each signed checkpoint carries (the bundle's own, and any
/// older ones given) against the recomputed one. A log that signed an index its events do not give
/// (one hiding a stream, or a version) fails here, offline.
/// </summary>
internal static class MonitorCommand
{
    public static Command Create(CliHost host)
    {
        var bundle = new Argument<string>("bundle")
        {
            Description = "A time-range audit bundle from the log's first event (provenance export --from 2000-01-01T00:00:00Z --to <now> --out FILE.zip)",
        };
        var key = new Option<string?>("--key")
        {
            Description = "The log's verifier key (name+keyid+key), or a file holding it; without it, the bundle's own public-key.txt is trusted",
            HelpName = "key-or-file",
        };
        var checkpoints = new Option<string[]>("--checkpoint")
        {
            Description = "A signed checkpoint (as GET /checkpoints/{size} answers its note, or a file holding the note) to check too; repeat for more",
            HelpName = "file",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("monitor", "Recompute the stream index from a whole-log bundle and check the root every given signed checkpoint carries")
        {
            bundle,
            key,
            checkpoints,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetRequiredValue(bundle);
            if (!Directory.Exists(path) && !File.Exists(path))
            {
                host.Error.WriteError($"There is no bundle at '{path}': give a bundle directory or a ZIP archive of one.");
                return ExitCodes.UsageOrConnectionError;
            }

            VerifierKey? trusted = null;
            if (parseResult.GetValue(key) is { } keyText && !VerifyCommand.TryReadKey(keyText, host, out trusted))
            {
                return ExitCodes.UsageOrConnectionError;
            }

            var notes = new List<(string Source, string Note)>();
            foreach (var file in parseResult.GetValue(checkpoints) ?? [])
            {
                if (!File.Exists(file))
                {
                    host.Error.WriteError($"--checkpoint: there is no file '{file}'.");
                    return ExitCodes.UsageOrConnectionError;
                }

                notes.Add((file, await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)));
            }

            return await MonitorAsync(path, trusted, notes, host, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> MonitorAsync(string path, VerifierKey? trusted, List<(string Source, string Note)> notes, CliHost host, CancellationToken cancellationToken)
    {
        var result = await new AuditBundleVerifier(trusted).VerifyAsync(path, cancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
        {
            VerificationReport.Write(host.Out, result);
            host.Error.WriteError("The bundle does not verify: its events cannot be replayed to recompute the stream index.");
            return ExitCodes.BundleInvalid;
        }

        if (result.Positions is not { First: 1 } positions)
        {
            host.Error.WriteError("The bundle does not hold the log from its first event: export a time range from before the log's first event.");
            return ExitCodes.UsageOrConnectionError;
        }

        using var source = AuditBundleSource.Open(path);
        var key = trusted ?? VerifierKey.Parse(await ReadTextAsync(source, AuditBundleFiles.PublicKey, cancellationToken).ConfigureAwait(false));
        var verifier = new CheckpointVerifier(key, key.Name);
        var targets = new List<(string Source, Checkpoint Checkpoint)>
        {
            (AuditBundleFiles.Checkpoint, verifier.Verify(await ReadTextAsync(source, AuditBundleFiles.Checkpoint, cancellationToken).ConfigureAwait(false))),
        };
        foreach (var (file, note) in notes)
        {
            try
            {
                targets.Add((file, verifier.Verify(note)));
            }
            catch (CheckpointVerificationException e)
            {
                host.Error.WriteError($"--checkpoint {file}: not a checkpoint signed by {key.Name}: {e.Message}");
                return ExitCodes.UsageOrConnectionError;
            }
        }

        host.Out.WriteLine($"Replaying {positions.Last:N0} events of {key.Name} to recompute the stream index at {targets.Count} checkpoint(s).");
        var pending = new Queue<(string Source, Checkpoint Checkpoint)>(targets.OrderBy(t => t.Checkpoint.TreeSize));
        var index = new StreamIndexBuilder();
        var failures = 0;
        var events = source.OpenRead(AuditBundleFiles.Events);
        await using (events.ConfigureAwait(false))
        {
            using var reader = new StreamReader(events, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
            failures += Check(pending, index, host);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                using (var envelope = JsonDocument.Parse(line))
                {
                    index.ApplyEnvelope(envelope.RootElement);
                }

                failures += Check(pending, index, host);
            }
        }

        foreach (var (file, checkpoint) in pending)
        {
            host.Out.MarkupLine($"[yellow]Not checked:[/] {Markup.Escape(file)} is of tree size {checkpoint.TreeSize:N0}, past the bundle's last event ({positions.Last:N0}).");
        }

        if (failures > 0)
        {
            host.Out.MarkupLine($"[red]MISMATCH[/]: {failures} signed stream index root(s) differ from the index the log's events give. The log signed an index it does not hold.");
            return ExitCodes.BundleInvalid;
        }

        host.Out.MarkupLine("[green]CONSISTENT[/]: every signed stream index root checked is the one the log's events give.");
        return ExitCodes.Success;
    }

    // Checks every checkpoint whose size the replay has reached.
    private static int Check(Queue<(string Source, Checkpoint Checkpoint)> pending, StreamIndexBuilder index, CliHost host)
    {
        var failures = 0;
        while (pending.TryPeek(out var target) && target.Checkpoint.TreeSize == (ulong)index.Position)
        {
            pending.Dequeue();
            var (file, checkpoint) = target;
            var size = checkpoint.TreeSize.ToString("N0", CultureInfo.InvariantCulture);
            byte[]? signed;
            try
            {
                signed = StreamIndexCheckpoint.Root(checkpoint);
            }
            catch (FormatException e)
            {
                host.Out.MarkupLine($"[red]tree size {size}[/] ({Markup.Escape(file)}): {Markup.Escape(e.Message)}");
                failures++;
                continue;
            }

            if (signed is null)
            {
                host.Out.MarkupLine($"[yellow]tree size {size}[/] ({Markup.Escape(file)}): the checkpoint carries no stream index (signed before the ledger kept one).");
                continue;
            }

            var map = index.ToMap();
            if (map.Root.AsSpan().SequenceEqual(signed))
            {
                host.Out.WriteLine($"tree size {size} ({file}): stream index root {Convert.ToBase64String(signed)} recomputed ({map.Count:N0} streams).");
            }
            else
            {
                host.Out.MarkupLine($"[red]tree size {size}[/] ({Markup.Escape(file)}): the checkpoint signs the stream index root {Convert.ToBase64String(signed)}; " +
                                    $"the log's first {size} events give {Convert.ToBase64String(map.Root)}.");
                failures++;
            }
        }

        return failures;
    }

    private static async Task<string> ReadTextAsync(AuditBundleSource source, string file, CancellationToken cancellationToken)
    {
        var stream = source.OpenRead(file);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, new UTF8Encoding(false));
            return (await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).TrimEnd('\n') + (file == AuditBundleFiles.Checkpoint ? "\n" : "");
        }
    }
}
