using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Provenance.Testing;

namespace Provenance.Api.Tests.Docs;

/// <summary>
/// #14: docs/request-bodies.md gives the full body of every write, each with an example that
/// works. Every example on the page is posted, in order, on a fresh ledger; each must be accepted,
/// and the page must cover every write the API has.
/// </summary>
public sealed partial class DocumentedRequestBodiesTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private sealed record Example(int Line, string Method, string Path, string? Capture, string Body);

    [Fact]
    public async Task Every_documented_request_body_is_accepted_in_the_order_the_page_gives()
    {
        var examples = Examples();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["now+90d"] = DateTimeOffset.UtcNow.AddDays(90).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };

        foreach (var example in examples)
        {
            var path = Fill(example.Path, ids);
            using var request = new HttpRequestMessage(new HttpMethod(example.Method), path)
            {
                Content = new StringContent(Fill(example.Body, ids), Encoding.UTF8, "application/json"),
            };
            using var response = await api.Client.SendAsync(request);
            var answer = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created,
                $"docs/request-bodies.md line {example.Line}: {example.Method} {path} answered {(int)response.StatusCode}: {answer}");
            if (example.Capture is { } name)
            {
                ids[name] = JsonDocument.Parse(answer).RootElement.GetProperty("location").GetString()!.Split('/')[^1];
            }
        }
    }

    [Fact]
    public async Task The_page_gives_a_body_for_every_write_that_takes_one()
    {
        var document = await api.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var writes = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name == "post" && o.Value.TryGetProperty("requestBody", out var body) &&
                                                                  body.GetProperty("content").TryGetProperty("application/json", out _))
                .Select(_ => Template().Replace(p.Name, "{}")))
            .ToHashSet();
        var documented = Examples().Select(e => Template().Replace(ExampleIds().Replace(e.Path, "{}"), "{}"))
            .Select(p => VersionSegment().Replace(p, "/versions/{}")).ToHashSet();

        Assert.Empty(writes.Except(documented).Order());
    }

    private static List<Example> Examples()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "request-bodies.md"));
        var examples = new List<Example>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = Opening().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var body = new StringBuilder();
            var start = i + 1;
            while (++i < lines.Length && lines[i] != "```")
            {
                body.AppendLine(lines[i]);
            }

            examples.Add(new Example(start, open.Groups["method"].Value, open.Groups["path"].Value,
                open.Groups["capture"].Success ? open.Groups["capture"].Value : null, body.ToString()));
        }

        Assert.NotEmpty(examples);
        return examples;
    }

    private static string Fill(string text, Dictionary<string, string> ids) =>
        Placeholder().Replace(text, m => ids.TryGetValue(m.Groups[1].Value, out var id)
            ? id
            : throw new InvalidOperationException($"{{{{{m.Groups[1].Value}}}}} is used before an example answers it."));

    [GeneratedRegex(@"^```json (?<method>POST|PUT|PATCH) (?<path>\S+)(?: -> (?<capture>[\w-]+))?$")]
    private static partial Regex Opening();

    [GeneratedRegex(@"\{\{([\w+-]+)\}\}")]
    private static partial Regex Placeholder();

    // Route parameters: {id:guid}, {modelVersion}, …
    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Template();

    [GeneratedRegex(@"\{\{[^}]+\}\}")]
    private static partial Regex ExampleIds();

    // A literal version in an example's path (…/versions/1/…, …/versions/1.0.0/…) stands for the route's parameter.
    [GeneratedRegex(@"/versions/[0-9][^/]*")]
    private static partial Regex VersionSegment();
}
