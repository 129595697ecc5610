namespace Provenance.Cli;

/// <summary>What the process's exit code tells a script (documented in docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>Every line succeeded (created or replayed); the bundle verified.</summary>
    public const int Success = 0;

    /// <summary>The import ran to the end and at least one line failed.</summary>
    public const int LinesFailed = 1;

    /// <summary><c>verify</c> read the bundle and at least one check failed.</summary>
    public const int BundleInvalid = 1;

    /// <summary>The command line, the file, the connection or the API's answer to the whole request was wrong.</summary>
    public const int UsageOrConnectionError = 2;

    /// <summary>Ctrl+C or SIGTERM stopped the command (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
