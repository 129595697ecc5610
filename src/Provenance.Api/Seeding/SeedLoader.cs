using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Provenance.Api.Seeding;

/// <summary>
/// Loads the demo scenario once the server listens, through the public API itself, exactly as a
/// steward's client would: each seed line is one HTTP request with a fixed Idempotency-Key, so
/// restarting the service replays instead of duplicating. A line names the result with "ref";
/// later lines use "{{ref}}" (the created id), "{{ref.version}}" or "{{ref.resource}}" (the last
/// segment of its location: a license's or a decision's id) in their path or body. A line
/// with "expect": N demonstrates a refusal: it must be answered with status N.
/// </summary>
internal sealed partial class SeedLoader(
    IOptions<SeedOptions> options,
    DemoKeys demoKeys,
    IServer server,
    IHostApplicationLifetime lifetime,
    IHttpClientFactory httpClients,
    ILogger<SeedLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var folder = options.Value.Path;
        if (string.IsNullOrWhiteSpace(folder))
        {
            return;
        }

        if (!await WaitForStartAsync(stoppingToken))
        {
            return;
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            LogNoAddress(logger);
            return;
        }

        // The seed loader acts as an administrator of its own: the demo includes a clearance override.
        var keys = await demoKeys.EnsureAsync(folder, stoppingToken);
        using var client = httpClients.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(Access.ApiKeyAuthenticationHandler.SchemeName, keys.SeedLoaderKey);
        client.BaseAddress = new Uri(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal));
        var refs = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*.ndjson").Order(StringComparer.Ordinal))
        {
            var lineNumber = 0;
            foreach (var line in await File.ReadAllLinesAsync(file, stoppingToken))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }

                var seed = JsonNode.Parse(Substitute(line, refs))!.AsObject();
                var request = new HttpRequestMessage(new HttpMethod((string)seed["method"]!), (string)seed["path"]!);
                // Keyed by the line's ref (or its number), so adding lines to a seed file keeps the keys of the others.
                request.Headers.Add("Idempotency-Key", $"seed:{Path.GetFileName(file)}:{(string?)seed["ref"] ?? lineNumber.ToString(CultureInfo.InvariantCulture)}");
                if (seed["body"] is { } body)
                {
                    request.Content = JsonContent.Create(body);
                }

                using var response = await client.SendAsync(request, stoppingToken);
                var text = await response.Content.ReadAsStringAsync(stoppingToken);
                if (seed["expect"] is { } expected)
                {
                    // A line may show the ledger refusing something (e.g. a run on data that is not cleared).
                    if ((int)response.StatusCode != (int)expected)
                    {
                        LogSeedFailed(logger, Path.GetFileName(file), lineNumber, (int)response.StatusCode, text);
                        return;
                    }

                    count++;
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    LogSeedFailed(logger, Path.GetFileName(file), lineNumber, (int)response.StatusCode, text);
                    return;
                }

                if (seed["ref"] is { } name && JsonNode.Parse(text) is JsonObject result)
                {
                    refs[(string)name!] = result;
                }

                count++;
            }
        }

        LogSeeded(logger, count, folder);
        // Only now: the keys file's appearance tells deploy/run.sh and the browser tests that the demo is loaded.
        demoKeys.Publish(keys);
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static string Substitute(string line, Dictionary<string, JsonObject> refs) =>
        Placeholder().Replace(line, match =>
        {
            var name = match.Groups["ref"].Value;
            var field = match.Groups["field"].Success ? match.Groups["field"].Value : "id";
            // "{{ref.resource}}": the id a write created inside its stream (a license, a decision), the last segment of its location.
            if (field == "resource" && refs.TryGetValue(name, out var written) && written["location"] is { } location)
            {
                return location.GetValue<string>().Split('/')[^1];
            }

            if (!refs.TryGetValue(name, out var result) || result[field] is not { } value)
            {
                throw new InvalidOperationException($"The seed line refers to '{{{{{match.Value}}}}}', which no earlier line defined.");
            }

            return value.ToJsonString(new JsonSerializerOptions()).Trim('"');
        });

    [GeneratedRegex(@"\{\{(?<ref>[a-zA-Z0-9_-]+)(\.(?<field>[a-zA-Z]+))?\}\}")]
    private static partial Regex Placeholder();

    [LoggerMessage(LogLevel.Information, "Seeded {Count} request(s) from {Folder:l}")]
    private static partial void LogSeeded(ILogger logger, int count, string folder);

    [LoggerMessage(LogLevel.Error, "Seed {File:l} line {Line} was refused with {Status}: {Problem:l}")]
    private static partial void LogSeedFailed(ILogger logger, string file, int line, int status, string problem);

    [LoggerMessage(LogLevel.Warning, "The server reports no address; the demo data was not seeded")]
    private static partial void LogNoAddress(ILogger logger);
}
