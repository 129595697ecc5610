using System.Net;
using System.Text.Json;

namespace Provenance.Api.Tests;

/// <summary>Reads the answer of <c>POST /imports</c>: one result per line, then the summary line every complete answer ends with.</summary>
internal static class Imports
{
    public static async Task<(List<JsonElement> Results, JsonElement Summary)> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.NotEmpty(lines);
        Assert.True(lines[^1].TryGetProperty("summary", out var summary), "the answer ends with its summary line");
        Assert.All(lines[..^1], r => Assert.False(r.TryGetProperty("summary", out _), "only the last line is the summary"));
        return (lines[..^1], summary);
    }

    public static async Task<List<JsonElement>> ResultsAsync(HttpResponseMessage response) => (await ReadAsync(response)).Results;
}
