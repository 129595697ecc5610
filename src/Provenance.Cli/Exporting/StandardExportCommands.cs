using System.CommandLine;
using Spectre.Console;

namespace Provenance.Cli.Exporting;

/// <summary>
/// <c>provenance export dps</c> and <c>provenance export openlineage</c> (#19): the same standard
/// documents the API answers (docs/interop.md), written to a file that must not exist yet.
/// </summary>
internal static class StandardExportCommands
{
    public static Command Dps(Option<string> api, CliHost host)
    {
        var dataset = new Option<Guid>("--dataset") { Description = "The dataset's id", Required = true };
        var version = new Option<int>("--version") { Description = "The dataset version", Required = true };
        var asOf = new Option<DateTimeOffset?>("--as-of") { Description = "The ledger as it stood at this instant" };
        var output = new Option<string>("--out") { Description = "The file to write (a new one)", Required = true };
        var command = new Command("dps", "Write a dataset version's OASIS Data Provenance Metadata v1.0 document (JSON)") { dataset, version, asOf, output };
        command.SetAction((parseResult, cancellationToken) => DownloadAsync(host, parseResult.GetValue(api),
            $"datasets/{parseResult.GetValue(dataset)}/versions/{parseResult.GetValue(version)}/dps{AsOf(parseResult.GetValue(asOf))}",
            parseResult.GetRequiredValue(output), "OASIS DPS document", cancellationToken));
        return command;
    }

    public static Command OpenLineage(Option<string> api, CliHost host)
    {
        var model = new Option<Guid>("--model") { Description = "The model's id", Required = true };
        var version = new Option<string>("--version") { Description = "The model version", Required = true };
        var asOf = new Option<DateTimeOffset?>("--as-of") { Description = "The ledger as it stood at this instant" };
        var output = new Option<string>("--out") { Description = "The file to write (a new one; NDJSON, one RunEvent per line)", Required = true };
        var command = new Command("openlineage", "Write a model version's lineage as OpenLineage 2-0-2 RunEvents (NDJSON)") { model, version, asOf, output };
        command.SetAction((parseResult, cancellationToken) => DownloadAsync(host, parseResult.GetValue(api),
            $"models/{parseResult.GetValue(model)}/versions/{Uri.EscapeDataString(parseResult.GetRequiredValue(version))}/openlineage{AsOf(parseResult.GetValue(asOf))}",
            parseResult.GetRequiredValue(output), "OpenLineage events", cancellationToken));
        return command;
    }

    private static string AsOf(DateTimeOffset? asOf) =>
        asOf is { } at ? "?asOf=" + Uri.EscapeDataString(at.ToString("O", System.Globalization.CultureInfo.InvariantCulture)) : "";

    private static async Task<int> DownloadAsync(CliHost host, string? apiText, string path, string output, string what, CancellationToken cancellationToken)
    {
        if (!ApiAddress.TryResolve(apiText, host, out var address))
        {
            return ExitCodes.UsageOrConnectionError;
        }

        var target = Path.GetFullPath(output);
        if (File.Exists(target))
        {
            host.Error.WriteError($"{target} already exists: an export never overwrites.");
            return ExitCodes.UsageOrConnectionError;
        }

        using var http = host.CreateHttpClient(address);
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                host.Error.WriteError($"The API refused the export ({(int)response.StatusCode}): {await ExportCommand.DetailAsync(response, cancellationToken).ConfigureAwait(false)}");
                return ExitCodes.UsageOrConnectionError;
            }

            await File.WriteAllBytesAsync(target, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            host.Out.MarkupLine($"Wrote the {what.EscapeMarkup()} to {target.EscapeMarkup()}.");
            return ExitCodes.Success;
        }
        catch (HttpRequestException e)
        {
            host.Error.WriteError($"Could not reach the API at {address}: {e.Message}");
            return ExitCodes.UsageOrConnectionError;
        }
    }
}
