using System.CommandLine;
using Provenance.Cli.Importing;

namespace Provenance.Cli;

/// <summary>The <c>provenance</c> command tree and how its outcome becomes an exit code.</summary>
internal static class CliApplication
{
    private static readonly TimeSpan TerminationGracePeriod = TimeSpan.FromSeconds(5);

    public static RootCommand Create(CliHost host) => Create(host, new ApiCredentials(host?.GetEnvironmentVariable ?? (_ => null)));

    /// <summary>The command tree; every HTTP client its commands create carries <paramref name="credentials"/>' key.</summary>
    public static RootCommand Create(CliHost host, ApiCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(credentials);
        host = credentials.Authenticating(host);
        var api = new Option<string>("--api")
        {
            Description = $"Base URL of the Provenance API; when omitted, ${ApiAddress.EnvironmentVariable}, else {ApiAddress.Fallback}",
            HelpName = "url",
            Recursive = true,
            DefaultValueFactory = _ => ApiAddress.Default(host.GetEnvironmentVariable),
        };

        return new RootCommand("Command-line client of the Provenance training-data provenance ledger.")
        {
            api,
            credentials.Option,
            ImportCommand.Create(api, host),
            Projections.RebuildCommand.Create(api, host),
            Keys.KeysCommand.Create(api, host),
            Exporting.ExportCommand.Create(api, host),
            Verifying.VerifyCommand.Create(host),
            Verifying.ConsistencyCommand.Create(api, host),
            Monitoring.MonitorCommand.Create(host),
            Witnessing.WitnessCommand.Create(host),
        };
    }

    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, CliHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var credentials = new ApiCredentials(host.GetEnvironmentVariable);
        var parseResult = Create(host, credentials).Parse(args);
        credentials.Bind(parseResult);
        if (parseResult.Errors.Count == 0 && credentials.Problem() is { } problem)
        {
            host.Error.WriteError(problem);
            return ExitCodes.UsageOrConnectionError;
        }

        var configuration = new InvocationConfiguration
        {
            Output = host.Out.Profile.Out.Writer,
            Error = host.Error.Profile.Out.Writer,
            // Ctrl+C or SIGTERM cancels the command's token, which then reports how far it got; a
            // configuration made here has no timeout, and without one the runtime just ends the process.
            ProcessTerminationTimeout = TerminationGracePeriod,
        };
        var exitCode = await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);

        // System.CommandLine answers a usage error with 1, which here means "some lines failed".
        return parseResult.Errors.Count > 0 ? ExitCodes.UsageOrConnectionError : exitCode;
    }
}
