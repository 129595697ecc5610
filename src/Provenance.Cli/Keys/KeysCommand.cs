using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Spectre.Console;

namespace Provenance.Cli.Keys;

/// <summary>
/// <c>provenance keys create|list|revoke</c>: API keys through <c>/access/api-keys</c> (administrators
/// only). <c>create</c> prints the new key once, alone on its own line, so a script can capture it.
/// </summary>
internal static class KeysCommand
{
    private static readonly string[] Roles = ["steward", "irb-reviewer", "regulator", "admin"];

    public static Command Create(Option<string> api, CliHost host) =>
        new("keys", "Issue, list and revoke API keys (administrators only)")
        {
            CreateKey(api, host),
            ListKeys(api, host),
            RevokeKey(api, host),
        };

    private static Command CreateKey(Option<string> api, CliHost host)
    {
        var principal = new Option<string>("--principal") { Description = "Who the key is for (recorded as the actor of every write made with it)", Required = true };
        var roles = new Option<string[]>("--role")
        {
            Description = $"A role the key holds: {string.Join(", ", Roles)}; repeat for several",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        roles.AcceptOnlyFromAmong(Roles);
        var institution = new Option<string?>("--institution") { Description = "The institution a steward writes for (required with --role steward)" };
        var days = new Option<int>("--days") { Description = "How many days the key lives (at most 397)", DefaultValueFactory = _ => 90 };
        var description = new Option<string?>("--description") { Description = "What the key is for" };
        var command = new Command("create", "Issue an API key; it is shown once, here, and never again") { principal, roles, institution, days, description };
        command.SetAction((parseResult, cancellationToken) => RunAsync(api, host, parseResult, async http =>
        {
            var expiresAt = DateTimeOffset.UtcNow.AddDays(parseResult.GetValue(days));
            using var response = await http.PostAsJsonAsync(new Uri("access/api-keys", UriKind.Relative), new
            {
                principal = parseResult.GetRequiredValue(principal),
                roles = parseResult.GetRequiredValue(roles).Distinct(StringComparer.Ordinal),
                institution = parseResult.GetValue(institution),
                expiresAt,
                description = parseResult.GetValue(description),
            }, cancellationToken).ConfigureAwait(false);
            var body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return Refused(host, "issue the key", response, body);
            }

            var holder = $"{body.GetProperty("principal").GetString()} ({string.Join(", ", body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()))}" +
                         (body.GetProperty("institution").GetString() is { } i ? $", {i}" : "") + ")";
            host.Out.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"Issued key {body.GetProperty("id").GetGuid()} for {holder}, valid until {body.GetProperty("expiresAt").GetDateTimeOffset():yyyy-MM-dd HH:mm}Z:")));
            // Raw, so no console width ever wraps the key.
            await host.Out.Profile.Out.Writer.WriteLineAsync(body.GetProperty("key").GetString()).ConfigureAwait(false);
            host.Out.MarkupLine("[yellow]This is the only time the key is shown:[/] store it now; the ledger keeps only a hash of it.");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command ListKeys(Option<string> api, CliHost host)
    {
        var principal = new Option<string?>("--principal") { Description = "Only the keys of this principal" };
        var all = new Option<bool>("--all") { Description = "Include expired and revoked keys" };
        var command = new Command("list", "List API keys with their status (never their secrets)") { principal, all };
        command.SetAction((parseResult, cancellationToken) => RunAsync(api, host, parseResult, async http =>
        {
            var table = new Table().AddColumns("id", "principal", "roles", "institution", "status", "expires (UTC)");
            string? next = null;
            var shown = 0;
            do
            {
                var query = "access/api-keys?limit=500" + (next is null ? "" : "&after=" + Uri.EscapeDataString(next)) +
                            (parseResult.GetValue(principal) is { } p ? "&principal=" + Uri.EscapeDataString(p) : "");
                using var response = await http.GetAsync(new Uri(query, UriKind.Relative), cancellationToken).ConfigureAwait(false);
                var body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return Refused(host, "list the keys", response, body);
                }

                foreach (var key in body.GetProperty("items").EnumerateArray())
                {
                    var status = key.GetProperty("status").GetString()!;
                    if (status != "active" && !parseResult.GetValue(all))
                    {
                        continue;
                    }

                    shown++;
                    table.AddRow(
                        Markup.Escape(key.GetProperty("id").GetGuid().ToString()),
                        Markup.Escape(key.GetProperty("principal").GetString()!),
                        Markup.Escape(string.Join(", ", key.GetProperty("roles").EnumerateArray().Select(r => r.GetString()))),
                        Markup.Escape(key.GetProperty("institution").GetString() ?? ""),
                        status == "active" ? status : $"[grey]{status}[/]",
                        key.GetProperty("expiresAt").GetDateTimeOffset().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
                }

                next = body.GetProperty("next").GetString();
            }
            while (next is not null);

            host.Out.Write(table);
            host.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{shown} key(s){(parseResult.GetValue(all) ? "" : " active; --all shows expired and revoked ones too")}."));
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command RevokeKey(Option<string> api, CliHost host)
    {
        var id = new Argument<Guid>("id") { Description = "The key's id (from `keys list`, or the 32 hex digits after pvk_)" };
        var reason = new Option<string>("--reason") { Description = "Why, for the ledger (e.g. \"laptop lost\", \"rotated\")", Required = true };
        var command = new Command("revoke", "Revoke an API key: it authenticates nobody from the next request on") { id, reason };
        command.SetAction((parseResult, cancellationToken) => RunAsync(api, host, parseResult, async http =>
        {
            var keyId = parseResult.GetRequiredValue(id);
            using var response = await http.PostAsJsonAsync(new Uri($"access/api-keys/{keyId}/revocation", UriKind.Relative),
                new { reason = parseResult.GetRequiredValue(reason) }, cancellationToken).ConfigureAwait(false);
            var body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return Refused(host, "revoke the key", response, body);
            }

            host.Out.MarkupLine(Markup.Escape($"Revoked key {keyId}; it authenticates nobody from now on."));
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Option<string> api, CliHost host, ParseResult parseResult, Func<HttpClient, Task<int>> run, CancellationToken cancellationToken)
    {
        var apiText = parseResult.GetValue(api);
        if (!ApiAddress.TryResolve(apiText, host, out var address))
        {
            return ExitCodes.UsageOrConnectionError;
        }

        using var http = host.CreateHttpClient(address);
        try
        {
            return await run(http).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            host.Error.WriteError($"Could not reach the API at {address}: {e.Message}");
            return ExitCodes.UsageOrConnectionError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }
    }

    private static int Refused(CliHost host, string what, HttpResponseMessage response, JsonElement problem)
    {
        var detail = problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : response.ReasonPhrase;
        host.Error.WriteError($"The API refused to {what} ({(int)response.StatusCode}): {detail}{ApiCredentials.HintFor(response.StatusCode)}");
        return ExitCodes.UsageOrConnectionError;
    }
}
