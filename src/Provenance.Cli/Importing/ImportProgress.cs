using Spectre.Console;

namespace Provenance.Cli.Importing;

/// <summary>
/// Shows how far an import is: a live progress bar on a terminal; on redirected output or in CI,
/// where a live bar would fill the log with redraws, one line per <see cref="LogEvery"/> results.
/// </summary>
internal static class ImportProgress
{
    public const int LogEvery = 1_000;

    /// <param name="console">Where progress goes.</param>
    /// <param name="expectedLines">The number of results to expect: the bar's length.</param>
    /// <param name="import">Runs the import, calling its argument after each result.</param>
    public static async Task RunAsync(IAnsiConsole console, long expectedLines, Func<Action<ImportTally>, Task> import)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(import);
        if (!console.Profile.Capabilities.Interactive || !console.Profile.Capabilities.Ansi)
        {
            await import(tally =>
            {
                if (tally.Total % LogEvery == 0)
                {
                    console.WriteLine($"{tally.Total:N0} of {expectedLines:N0} lines answered ({tally.Failed:N0} failed)");
                }
            }).ConfigureAwait(false);
            return;
        }

        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("Importing", autoStart: true, maxValue: Math.Max(expectedLines, 1));
                await import(tally =>
                {
                    bar.Increment(1);
                    if (tally.Failed > 0)
                    {
                        bar.Description = $"Importing [red]({tally.Failed:N0} failed)[/]";
                    }
                }).ConfigureAwait(false);
                bar.Value = bar.MaxValue;
            }).ConfigureAwait(false);
    }
}
