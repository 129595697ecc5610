using System.Text.Json;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace Provenance.Cli.Tests;

/// <summary>Runs <c>provenance</c> in-process and keeps what it printed.</summary>
internal static class Cli
{
    public static Task<CliRun> RunAsync(Func<Uri, HttpClient> createClient, params string[] args) => RunAsync(createClient, _ => null, args);

    /// <summary>Runs with an environment (for PROVENANCE_API_KEY and the like).</summary>
    public static async Task<CliRun> RunAsync(Func<Uri, HttpClient> createClient, Func<string, string?> environment, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var host = new CliHost(Console(output), Console(errors), createClient, environment);
        var exitCode = await CliApplication.InvokeAsync(args, host);
        return new CliRun(exitCode, output.ToString(), errors.ToString());
    }

    /// <summary>A console writing plain text, as when the output is redirected (or a terminal, when asked).</summary>
    public static IAnsiConsole Console(TextWriter writer, bool terminal = false)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return console;
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Errors)
{
    /// <summary>A count from the summary table (the row named <paramref name="result"/>).</summary>
    public long Count(string result)
    {
        var row = Regex.Match(Output, $@"\b{result}\b\W+(\d[\d,]*)");
        Assert.True(row.Success, $"No '{result}' row in the summary:\n{Output}");
        return long.Parse(row.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Import lines and files for the tests, in a folder removed afterwards.</summary>
internal sealed class ImportFiles : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("provenance-cli-tests-");

    public static string RegisterDataset(string name) => JsonSerializer.Serialize(new
    {
        command = "register-dataset",
        body = new
        {
            name,
            description = "Encounters, diagnoses, labs and medications of adult inpatients.",
            steward = "Dana Whitfield, Data Governance",
            sourceInstitution = "Mercy Regional Health",
            modality = "structured-ehr",
            collectionPeriod = new { start = "2019-01-01", end = "2023-12-31" },
            recordCount = 1_250_000,
            patientCount = 310_000,
        },
    });

    /// <summary>A register-dataset line the API refuses with 422: the body lacks every field but the name.</summary>
    public static string IncompleteDataset => """{"command": "register-dataset", "body": {"name": "missing everything else"}}""";

    public string Path(string name) => System.IO.Path.Combine(_folder.FullName, name);

    public string Write(string name, params string[] lines) => WriteText(name, string.Join('\n', lines) + "\n");

    public string WriteText(string name, string text)
    {
        var path = Path(name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
