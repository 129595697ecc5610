using System.Net;
using Spectre.Console;

namespace Provenance.Cli;

internal static class Program
{
    private const int RedirectedWidth = 200;

    public static Task<int> Main(string[] args)
    {
        var host = new CliHost(
            Terminal(Console.Out, Console.IsOutputRedirected),
            Terminal(Console.Error, Console.IsErrorRedirected),
            CreateHttpClient,
            Environment.GetEnvironmentVariable);
        return CliApplication.InvokeAsync(args, host);
    }

    /// <summary>
    /// Spectre takes any process run by a user as interactive. A redirected stream or a CI runner
    /// is not, so the live progress bar is only drawn on a real terminal, and a log file gets no
    /// color codes and no wrapping at 80 columns.
    /// </summary>
    private static IAnsiConsole Terminal(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected || IsContinuousIntegration() ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    private static bool IsContinuousIntegration() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TF_BUILD"));

    private static HttpClient CreateHttpClient(Uri api) =>
        new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15), AutomaticDecompression = DecompressionMethods.All })
        {
            BaseAddress = api,
            // An import of millions of lines runs as long as it needs; Ctrl+C is the way to stop it.
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
