using System.Text.Json;

namespace Provenance.Cli.Importing;

/// <summary>
/// The last line of the API's answer to <c>POST /imports</c>: what it did with the request's lines,
/// and whether it answered all of them. An answer without it was cut off.
/// </summary>
internal sealed record ImportSummary(
    long LinesRead, long Written, long Replayed, long Refused, long? LastPosition, bool Complete, long? StoppedAtLine, int? RetryAfter,
    ImportProblem? Problem)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The summary a line holds, or null when the line is a result.</summary>
    /// <exception cref="JsonException">The line is not JSON.</exception>
    public static ImportSummary? TryParse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("summary", out var summary)
            ? summary.Deserialize<ImportSummary>(Json) ?? throw new JsonException("The summary is null.")
            : null;
    }
}
