using Spectre.Console;

namespace Provenance.Cli;

/// <summary>
/// Everything the commands take from the outside world, so tests can run them in-process: the
/// two consoles, how to reach an API address, and the environment.
/// </summary>
/// <param name="Out">Results, progress and summaries.</param>
/// <param name="Error">Error messages, so they stay visible when the output is redirected.</param>
/// <param name="CreateHttpClient">An HTTP client whose base address is the API; the caller disposes it.</param>
/// <param name="GetEnvironmentVariable">Reads an environment variable (null when unset).</param>
internal sealed record CliHost(
    IAnsiConsole Out,
    IAnsiConsole Error,
    Func<Uri, HttpClient> CreateHttpClient,
    Func<string, string?> GetEnvironmentVariable);
