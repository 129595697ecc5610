using System.Text.Json;

namespace Provenance.Cli.Importing;

/// <summary>
/// One line of the API's answer to <c>POST /imports</c>: the number of the line it answers, its
/// status, and the resource it created or replayed, or the problem that stopped it.
/// </summary>
internal sealed record ImportResult(long Line, int Status, Guid? Id, string? Location, long? Version, bool? Replayed, ImportProblem? Problem)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool Succeeded => Status is >= 200 and < 300;

    /// <summary>Answered from an earlier request with the same idempotency key: nothing new was written.</summary>
    public bool WasReplayed => Succeeded && (Replayed == true || Status == 200);

    /// <exception cref="JsonException">The line is not a result.</exception>
    public static ImportResult Parse(string text) =>
        JsonSerializer.Deserialize<ImportResult>(text, Json) ?? throw new JsonException("The result is null.");

    public string Describe() => Problem?.Describe() ?? $"HTTP {Status}";
}

/// <summary>The RFC 9457 problem of a failed line; only what the report shows.</summary>
internal sealed record ImportProblem(string? Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors)
{
    public string Describe()
    {
        if (!string.IsNullOrWhiteSpace(Detail))
        {
            return Detail;
        }

        if (Errors is { Count: > 0 })
        {
            return string.Join("; ", Errors.SelectMany(e => e.Value.Select(reason => $"{e.Key} {reason}")));
        }

        return Title ?? "no detail given";
    }
}
