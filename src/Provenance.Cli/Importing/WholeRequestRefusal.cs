using System.Text.Json;

namespace Provenance.Cli.Importing;

/// <summary>Describes an answer to the whole import that is not a stream of results (a 415 problem, a 404 from a wrong --api).</summary>
internal static class WholeRequestRefusal
{
    private const int MaxBodyChars = 16 * 1024;
    private const string NdJsonName = "application/x-ndjson results";

    public static async Task<string> DescribeAsync(HttpResponseMessage response, Uri endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is "application/problem+json" or "application/json"
            && Problem(await ReadStartAsync(response, cancellationToken).ConfigureAwait(false), response.ReasonPhrase) is { } problem)
        {
            return $"The API refused the import with {status}: {problem}{ApiCredentials.HintFor(response.StatusCode)}";
        }

        return response.IsSuccessStatusCode
            ? $"{endpoint} answered {status} with {mediaType ?? "no content type"} instead of {NdJsonName}: is --api the Provenance API's address?"
            : $"{endpoint} answered {status}: is --api the Provenance API's address?";
    }

    private static string? Problem(string body, string? reasonPhrase)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            // A title that only repeats the status line ("Not Found") says nothing new.
            var title = Text(root, "title") is { } text && !string.Equals(text, reasonPhrase, StringComparison.OrdinalIgnoreCase) ? text : null;
            var detail = Text(root, "detail");
            return (title, detail) switch
            {
                (null, null) => null,
                (not null, null) => title,
                (null, not null) => detail,
                _ => $"{title}. {detail}",
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        var buffer = new char[MaxBodyChars];
        var read = await reader.ReadBlockAsync(buffer, cancellationToken).ConfigureAwait(false);
        return new string(buffer, 0, read);
    }
}
