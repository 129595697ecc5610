using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Spectre.Console;

namespace Provenance.Cli.Exporting;

/// <summary>
/// <c>provenance export</c>: download an audit bundle (GET /audit-bundles) for one scope, with a
/// progress bar, into a directory (or, for an <c>--out</c> ending in <c>.zip</c>, as the ZIP itself).
/// </summary>
internal static class ExportCommand
{
    public static Command Create(Option<string> api, CliHost host)
    {
        var model = new Option<Guid?>("--model") { Description = "Export a model version's lineage: the model's id (with --version)" };
        var version = new Option<string?>("--version") { Description = "The model version, with --model" };
        var dataset = new Option<Guid?>("--dataset") { Description = "Export a dataset and what derives from it" };
        var protocol = new Option<Guid?>("--protocol") { Description = "Export an IRB protocol and what relied on it" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Export the events recorded from this instant (with --to)" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "… up to, not including, this instant" };
        var treeSize = new Option<long?>("--tree-size") { Description = "Prove against the signed checkpoint of this tree size instead of the latest" };
        var format = new Option<int?>("--format")
        {
            Description = "The bundle format: 3 (the default: one multiproof of all the events) or 2 (an inclusion proof for each event, so that one can be excerpted)",
        };
        format.AcceptOnlyFromAmong("2", "3");
        var output = new Option<string>("--out") { Description = "Where to write the bundle: a new or empty directory, or a path ending in .zip", Required = true };
        var command = new Command("export", "Download an audit bundle (docs/audit-bundle-format.md), then check it with `provenance verify`")
        {
            model, version, dataset, protocol, from, to, treeSize, format, output,
        };
        // #19: the standard documents, beside the audit bundle.
        command.Subcommands.Add(StandardExportCommands.Dps(api, host));
        command.Subcommands.Add(StandardExportCommands.OpenLineage(api, host));
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var apiText = parseResult.GetValue(api);
            if (!ApiAddress.TryResolve(apiText, host, out var address))
            {
                return ExitCodes.UsageOrConnectionError;
            }

            var query = Query(parseResult.GetValue(model), parseResult.GetValue(version), parseResult.GetValue(dataset), parseResult.GetValue(protocol),
                parseResult.GetValue(from), parseResult.GetValue(to), parseResult.GetValue(treeSize), out var usage);
            if (query is null)
            {
                host.Error.WriteError(usage!);
                return ExitCodes.UsageOrConnectionError;
            }

            if (parseResult.GetValue(format) is { } asked)
            {
                query += $"&format={asked.ToString(CultureInfo.InvariantCulture)}";
            }

            var target = Path.GetFullPath(parseResult.GetRequiredValue(output));
            var asZip = target.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
            if (asZip ? File.Exists(target) : Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                host.Error.WriteError($"{target} already exists{(asZip ? "" : " and is not empty")}: an export never overwrites.");
                return ExitCodes.UsageOrConnectionError;
            }

            using var http = host.CreateHttpClient(address);
            var zip = asZip ? target : Path.Combine(Path.GetTempPath(), $"provenance-export-{Guid.NewGuid():N}.zip");
            try
            {
                using var response = await http.GetAsync(new Uri("audit-bundles" + query, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                    .ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    host.Error.WriteError($"The API refused the export ({(int)response.StatusCode}): {await DetailAsync(response, cancellationToken).ConfigureAwait(false)}");
                    return ExitCodes.UsageOrConnectionError;
                }

                await DownloadAsync(host, response, zip, cancellationToken).ConfigureAwait(false);
                if (!asZip)
                {
                    Directory.CreateDirectory(target);
                    await ZipFile.ExtractToDirectoryAsync(zip, target, cancellationToken).ConfigureAwait(false);
                }

                var events = response.Headers.TryGetValues("X-Provenance-Event-Count", out var count) ? count.First() : "?";
                var size = response.Headers.TryGetValues("X-Provenance-Tree-Size", out var tree) ? tree.First() : "?";
                host.Out.MarkupLine($"Exported [bold]{events.EscapeMarkup()}[/] events, proved against the checkpoint of tree size {size.EscapeMarkup()}, to {target.EscapeMarkup()}.");
                host.Out.MarkupLine($"Check it offline: [bold]provenance verify {target.EscapeMarkup()}[/] (with --key, the log's published verifier key).");
                return ExitCodes.Success;
            }
            catch (HttpRequestException e)
            {
                host.Error.WriteError($"Could not reach the API at {address}: {e.Message}");
                return ExitCodes.UsageOrConnectionError;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                host.Error.WriteError("Interrupted: no bundle was written.");
                if (asZip && File.Exists(zip))
                {
                    File.Delete(zip);
                }

                return ExitCodes.Interrupted;
            }
            finally
            {
                if (!asZip && File.Exists(zip))
                {
                    File.Delete(zip);
                }
            }
        });
        return command;
    }

    /// <summary>The query string of exactly one scope, or null with the reason.</summary>
    internal static string? Query(
        Guid? model, string? version, Guid? dataset, Guid? protocol, DateTimeOffset? from, DateTimeOffset? to, long? treeSize, out string? usage)
    {
        usage = null;
        var scopes = new[] { model is not null, dataset is not null, protocol is not null, from is not null || to is not null }.Count(s => s);
        if (scopes != 1)
        {
            usage = "Give exactly one scope: --model with --version, --dataset, --protocol, or --from with --to.";
            return null;
        }

        string query;
        if (model is { } m)
        {
            if (string.IsNullOrWhiteSpace(version))
            {
                usage = "--model needs --version: the model version to export.";
                return null;
            }

            query = $"?kind=model-version&modelId={m}&modelVersion={Uri.EscapeDataString(version)}";
        }
        else if (dataset is { } d)
        {
            query = $"?kind=dataset&datasetId={d}";
        }
        else if (protocol is { } p)
        {
            query = $"?kind=irb-protocol&protocolId={p}";
        }
        else if (from is { } f && to is { } t)
        {
            query = $"?kind=time-range&from={Uri.EscapeDataString(f.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(t.ToString("O", CultureInfo.InvariantCulture))}";
        }
        else
        {
            usage = "A time range needs both --from and --to.";
            return null;
        }

        return treeSize is { } n ? query + $"&treeSize={n.ToString(CultureInfo.InvariantCulture)}" : query;
    }

    private static async Task DownloadAsync(CliHost host, HttpResponseMessage response, string zip, CancellationToken cancellationToken)
    {
        var total = response.Content.Headers.ContentLength;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var file = new FileStream(zip, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await host.Out.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Downloading the bundle", maxValue: total ?? 1);
                task.IsIndeterminate = total is null;
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    task.Increment(read);
                }

                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
    }

    internal static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : problem.TryGetProperty("title", out var t) ? t.GetString() : text;
            if (problem.TryGetProperty("errors", out var errors))
            {
                detail += " " + string.Join("; ", errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join(", ", e.Value.EnumerateArray().Select(v => v.GetString()))}"));
            }

            return detail ?? text;
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
