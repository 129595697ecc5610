using Provenance.Integrity.Bundles;
using Spectre.Console;

namespace Provenance.Cli.Verifying;

/// <summary>
/// Shows how far a verification is: a live progress bar of events checked on a terminal; on
/// redirected output or in CI, one line per <see cref="LogEvery"/> events.
/// </summary>
internal static class VerifyProgress
{
    public const int LogEvery = 250_000;

    public static async Task<BundleVerificationResult> RunAsync(IAnsiConsole console, Func<IProgress<BundleVerificationProgress>, Task<BundleVerificationResult>> verify)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(verify);
        if (!console.Profile.Capabilities.Interactive || !console.Profile.Capabilities.Ansi)
        {
            var logged = 0L;
            return await verify(new Reporter(p =>
            {
                if (p.EventsChecked / LogEvery > logged / LogEvery)
                {
                    console.WriteLine($"{p.EventsChecked:N0} of {p.EventCount:N0} events checked");
                }

                logged = p.EventsChecked;
            })).ConfigureAwait(false);
        }

        BundleVerificationResult? result = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("Verifying events", autoStart: true, maxValue: 1);
                result = await verify(new Reporter(p =>
                {
                    bar.MaxValue = Math.Max(p.EventCount, Math.Max(p.EventsChecked, 1));
                    bar.Value = p.EventsChecked;
                })).ConfigureAwait(false);
                bar.Value = bar.MaxValue;
            }).ConfigureAwait(false);
        return result!;
    }

    /// <summary>Reports on the verifier's thread: <see cref="Progress{T}"/> would queue every report to the thread pool.</summary>
    private sealed class Reporter(Action<BundleVerificationProgress> report) : IProgress<BundleVerificationProgress>
    {
        public void Report(BundleVerificationProgress value) => report(value);
    }
}
