using System.Globalization;
using Provenance.Integrity.Bundles;
using Spectre.Console;

namespace Provenance.Cli.Verifying;

/// <summary>What a verification found: what the bundle holds, the verdict, then each failure as <c>file:line: position N, event &lt;id&gt;: reason</c>.</summary>
internal static class VerificationReport
{
    public static void Write(IAnsiConsole console, BundleVerificationResult result)
    {
        if (result.TreeSize is { } treeSize)
        {
            Fact(console, "Checkpoint", 
                $"{result.Origin}, tree size {treeSize.ToString("N0", CultureInfo.InvariantCulture)}, root {result.RootHash} " +
                (result.CheckpointVerified ? "(signature verified)" : "(signature NOT verified)"));
        }

        if (result.Scope is { } scope)
        {
            Fact(console, "Scope", scope.ToString());
        }

        Fact(console, "Events", $"{result.EventCount:N0} in the bundle, {result.ProofsVerified:N0} proved in the checkpoint's tree");
        var how = result.FormatVersion >= 2 ? "proved complete against the signed stream index" : "claimed complete by the exporter (format version 1)";
        if (result.Positions is { } positions)
        {
            Fact(console, "Completeness", $"positions {positions.First:N0} to {positions.Last:N0} {how}");
        }
        else if (result.Streams.Count > 0)
        {
            Fact(console, "Completeness", $"{result.Streams.Count:N0} streams {how}");
        }

        if (result.CitationsVerified > 0)
        {
            // #18: the model card's and the disclosure's answers rest on proved events of the bundle.
            Fact(console, "Documents", $"model-card.xml and disclosure.json: {result.CitationsVerified:N0} cited positions, each a proved event of the bundle");
        }

        if (result.Witnesses is { } witnesses)
        {
            var signed = witnesses.Cosigned.Select(c => $"{c.Witness.Name} (at {c.Cosignature.Time:yyyy-MM-dd HH:mm:ss}Z)").ToList();
            Fact(console, "Witnesses", signed.Count == 0
                ? "no given witness cosigned the checkpoint"
                : $"cosigned by {string.Join(", ", signed)}" + (witnesses.Missing.Count > 0 ? $"; not by {string.Join(", ", witnesses.Missing.Select(w => w.Name))}" : ""));
        }

        foreach (var warning in result.Warnings)
        {
            console.MarkupLine($"[yellow]Warning:[/] {Markup.Escape(warning)}.");
        }

        if (result.IsValid)
        {
            console.MarkupLine(result.TrustedBundleKey
                ? "[green]VALID[/] against the bundle's own key: every check passed, but only a trusted --key shows who signed it."
                : result.FormatVersion >= 2
                    ? "[green]VALID[/]: every event is, byte for byte, the event the ledger committed to under the signed checkpoint, and nothing of the scope is left out."
                    : "[green]VALID[/]: every event is, byte for byte, the event the ledger committed to under the signed checkpoint, and the manifest's claims hold.");
            return;
        }

        console.MarkupLine($"[red]INVALID[/]: {Failures(result.FailureCount)}.");
        // One line each, never wrapped, so that scripts can read file:line from them.
        foreach (var failure in result.Failures)
        {
            console.Profile.Out.Writer.WriteLine(failure.ToString());
        }

        if (result.FailureCount > result.Failures.Count)
        {
            console.WriteLine($"… and {result.FailureCount - result.Failures.Count:N0} more (the first {result.Failures.Count:N0} are listed).");
        }
    }

    private static void Fact(IAnsiConsole console, string label, string value) => console.WriteLine($"{label + ":",-14}{value}");

    private static string Failures(long count) => count == 1 ? "1 check failed" : $"{count:N0} checks failed";
}
