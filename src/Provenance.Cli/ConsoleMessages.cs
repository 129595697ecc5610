using Spectre.Console;

namespace Provenance.Cli;

internal static class ConsoleMessages
{
    /// <summary>One line, "error: …", with the message escaped so brackets in it are not read as markup.</summary>
    public static void WriteError(this IAnsiConsole console, string message) =>
        console.MarkupLine("[red]error:[/] " + Markup.Escape(message));
}
