using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Spectre.Console;

namespace Provenance.Cli.Projections;

/// <summary><c>provenance rebuild &lt;projection&gt;</c>: empty a read model and replay the whole log into it.</summary>
internal static class RebuildCommand
{
    public static Command Create(Option<string> api, CliHost host)
    {
        var name = new Argument<string>("projection") { Description = "The projection to rebuild: lineage or catalog" };
        var command = new Command("rebuild", "Rebuild a projection from the log (POST /admin/projections/{name}/rebuild)") { name };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var apiText = parseResult.GetValue(api);
            if (!ApiAddress.TryResolve(apiText, host, out var address))
            {
                return ExitCodes.UsageOrConnectionError;
            }

            var projection = parseResult.GetRequiredValue(name);
            using var http = host.CreateHttpClient(address);
            try
            {
                var result = await host.Out.Status().StartAsync($"Rebuilding {projection.EscapeMarkup()} from the log…", async _ =>
                {
                    using var response = await http.PostAsJsonAsync(new Uri($"admin/projections/{Uri.EscapeDataString(projection)}/rebuild", UriKind.Relative), new { }, cancellationToken)
                        .ConfigureAwait(false);
                    var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    return (response.IsSuccessStatusCode, response.StatusCode, Body: JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body).RootElement.Clone());
                }).ConfigureAwait(false);
                if (!result.IsSuccessStatusCode)
                {
                    var detail = result.Body.TryGetProperty("detail", out var d) ? d.GetString() : result.Body.ToString();
                    host.Error.WriteError($"The API refused the rebuild: {detail}{ApiCredentials.HintFor(result.StatusCode)}");
                    return ExitCodes.UsageOrConnectionError;
                }

                var replayed = result.Body.GetProperty("eventsReplayed").GetInt64();
                var checkpoint = result.Body.GetProperty("checkpoint").GetInt64();
                var elapsed = result.Body.GetProperty("elapsedMs").GetDouble();
                host.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"Rebuilt [bold]{projection.EscapeMarkup()}[/] from the log up to position {checkpoint:N0} in {elapsed:N0} ms " +
                    $"({(elapsed > 0 ? checkpoint / (elapsed / 1000) : 0):N0} log events/s): {replayed:N0} events of its types replayed."));
                return ExitCodes.Success;
            }
            catch (HttpRequestException e)
            {
                host.Error.WriteError($"Could not reach the API at {address}: {e.Message}");
                return ExitCodes.UsageOrConnectionError;
            }
        });
        return command;
    }
}
