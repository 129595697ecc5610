using Spectre.Console;

namespace Provenance.Cli.Importing;

/// <summary>The summary printed after an import: the counts, then the first failures.</summary>
internal static class ImportReport
{
    public static void Write(IAnsiConsole console, ImportTally tally, FileInfo? failuresFile)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(tally);
        var counts = new Table().AddColumn("Result").AddColumn(new TableColumn("Lines").RightAligned());
        counts.AddRow("Created", $"{tally.Created:N0}");
        counts.AddRow("Replayed", $"{tally.Replayed:N0}");
        counts.AddRow(tally.Failed > 0 ? "[red]Failed[/]" : "Failed", $"{tally.Failed:N0}");
        console.Write(counts);
        if (tally.Failed == 0)
        {
            return;
        }

        var failures = new Table().AddColumn(new TableColumn("Line").RightAligned()).AddColumn("Status").AddColumn("Problem");
        foreach (var failure in tally.FirstFailures)
        {
            failures.AddRow(new Text($"{failure.Line}"), new Text($"{failure.Status}"), new Text(failure.Describe()));
        }

        console.MarkupLine(tally.Failed > tally.FirstFailures.Count ? $"The first {tally.FirstFailures.Count} failed lines:" : "Failed lines:");
        console.Write(failures);
        if (tally.Failed > tally.FirstFailures.Count)
        {
            console.WriteLine($"… and {tally.Failed - tally.FirstFailures.Count:N0} more.");
        }

        console.WriteLine(failuresFile is null
            ? "Add --failures <path> to keep the result of every failed line."
            : $"The result of every failed line is in {failuresFile}.");
    }
}
