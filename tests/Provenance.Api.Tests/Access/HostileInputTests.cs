using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using static Provenance.Api.Tests.Access.HostileBodies;

namespace Provenance.Api.Tests.Access;

/// <summary>
/// A corpus of malformed and hostile bodies, run against every endpoint that takes a JSON body (as
/// an administrator, so nothing but the input itself can be refused): every case is answered with
/// a 4xx problem, never a 5xx, and writes no event. The one exception is SQL- or script-looking
/// text in free-text fields of an otherwise valid request: that is only text, and is recorded as
/// sent (never a 5xx; see <see cref="Sql_and_script_looking_text_is_only_text_stored_as_sent"/>).
/// </summary>
public sealed class HostileInputTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Json = HostileBodies.Json;

    private IEnumerable<(string Pattern, Type Body)> JsonWriteEndpoints() =>
        api.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => (e.RoutePattern.RawText!, e.Metadata.GetOrderedMetadata<IAcceptsMetadata>().LastOrDefault(a => a.ContentTypes.Contains(Json))?.RequestType))
            .Where(e => e.Item2 is not null)
            .Select(e => (e.Item1, e.Item2!));

    [Fact]
    public async Task Every_json_write_endpoint_answers_every_hostile_body_with_a_4xx_and_writes_nothing()
    {
        var resources = await LedgerResources.CreateAsync(api);
        var endpoints = JsonWriteEndpoints().ToList();
        Assert.True(endpoints.Count >= 24, $"only {endpoints.Count} JSON write endpoints found");
        var before = await api.CountEventsAsync();
        var failures = new List<string>();
        foreach (var (pattern, type) in endpoints)
        {
            foreach (var @case in Corpus())
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, resources.Path(pattern)) { Content = Content(@case, type) };
                using var response = await api.Client.SendAsync(request);
                var status = (int)response.StatusCode;
                var refused = status is >= 400 and < 500 && response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                if (!refused && !(@case.Legitimate && status is >= 200 and < 300))
                {
                    failures.Add($"{pattern} with {@case.Name}: {status} {Truncate(await response.Content.ReadAsStringAsync())}");
                }

                var after = await api.CountEventsAsync();
                if (after != before && !(@case.Legitimate && !refused && after == before + 1))
                {
                    failures.Add($"{pattern} with {@case.Name}: {after - before} event(s) written");
                }

                before = after;
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Every_hostile_line_of_an_import_is_answered_with_a_4xx_and_writes_nothing()
    {
        var before = await api.CountEventsAsync();
        var lines = Corpus().Where(c => c.ContentType == Json && !c.Chunked && !c.Name.Contains("2 MiB", StringComparison.Ordinal))
            .Select(c => c.Body(typeof(Ledger.Datasets.RegisteringDataset.RegisterDatasetRequest)))
            .Where(b => b.Length > 0 && !b.Contains('\n', StringComparison.Ordinal))
            .SelectMany(b => new[] { b, $"{{\"command\": \"register-dataset\", \"body\": {b}}}" })
            .ToList();

        using var response = await api.Client.PostAsync("/imports", new StringContent(string.Join('\n', lines), Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var statuses = (await Imports.ResultsAsync(response)).Select(r => r.GetProperty("status").GetInt32()).ToList();
        Assert.Equal(lines.Count, statuses.Count);
        Assert.All(statuses, s => Assert.InRange(s, 400, 499));
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task An_import_line_nested_deeper_than_32_levels_is_refused_as_nested_too_deeply()
    {
        var nested = new string('[', 40) + new string(']', 40);

        using var response = await api.Client.PostAsync("/imports",
            new StringContent($"{{\"command\": \"register-dataset\", \"body\": {{\"name\": {nested}}}}}", Encoding.UTF8, "application/x-ndjson"));

        var result = Assert.Single(await Imports.ResultsAsync(response));
        Assert.Equal(400, result.GetProperty("status").GetInt32());
        Assert.Contains("nested too deeply", result.GetProperty("problem").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(32, api.Service<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions.MaxDepth);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_the_limit_is_a_413_problem_with_or_without_a_length(bool chunked)
    {
        var body = JsonSerializer.SerializeToNode(Requests.ValidDataset())!.AsObject();
        body["description"] = new string('x', 1024 * 1024);
        var before = await api.CountEventsAsync();

        using var response = await api.Client.PostAsync("/datasets", Content(new Case("big", _ => body.ToJsonString(), Chunked: chunked), typeof(object)));

        Assert.Equal(before, await api.CountEventsAsync());
        var problem = await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Contains("1,048,576 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_property_given_twice_is_a_400_naming_it()
    {
        var text = JsonSerializer.Serialize(Requests.ValidDataset()).Replace("{\"name\":", "{\"name\": \"first\", \"name\":", StringComparison.Ordinal);

        using var response = await api.Client.PostAsync("/datasets", new StringContent(text, Encoding.UTF8, Json));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "malformed-request");
        Assert.Equal(["appears more than once"], Problems.Reasons(problem, "name"));
    }

    [Theory]
    [InlineData("'; DROP TABLE provenance.events; --")]
    [InlineData("<script>alert(document.cookie)</script>")]
    [InlineData("Robert'); DELETE FROM provenance.streams; -- \"quoted\" \\ backslash")]
    public async Task Sql_and_script_looking_text_is_only_text_stored_as_sent(string name)
    {
        using var response = await api.Client.PostAsJsonAsync("/datasets", Requests.ValidDataset(name));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var dataset = await api.Client.GetFromJsonAsync<JsonElement>(response.Headers.Location);
        Assert.Equal(name, dataset.GetProperty("name").GetString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("\\u202Egnp.exe", 422, "bidirectional")]
    [InlineData("isolate \\u2066x\\u2069", 422, "bidirectional")]
    [InlineData("\\uFFFF", 422, "noncharacter")]
    [InlineData("lone \\uD800 surrogate", 400, "unpaired surrogate")]
    public async Task Text_that_could_disguise_itself_is_refused(string escapedName, int status, string reason)
    {
        // Sent as JSON escapes: a client's serializer would replace the lone surrogate before it left.
        var text = JsonSerializer.Serialize(Requests.ValidDataset("@@")).Replace("@@", escapedName, StringComparison.Ordinal);
        using var response = await api.Client.PostAsync("/datasets", new StringContent(text, Encoding.UTF8, Json));

        var problem = await Problems.AssertAsync(response, (HttpStatusCode)status, status == 400 ? "malformed-request" : "validation-failed");
        Assert.Contains(reason, Assert.Single(Problems.Reasons(problem, "name")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_text_field_of_every_write_is_checked_on_its_own()
    {
        var resources = await LedgerResources.CreateAsync(api);
        var before = await api.CountEventsAsync();
        var failures = new List<string>();
        var checkedFields = 0;
        foreach (var (pattern, type) in JsonWriteEndpoints())
        {
            foreach (var path in TextPaths(type, ""))
            {
                checkedFields++;
                using var response = await api.Client.PostAsync(resources.Path(pattern),
                    new StringContent(Body(path, new string('x', 100_000)).ToJsonString(), Encoding.UTF8, Json));
                var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                if (response.StatusCode != HttpStatusCode.UnprocessableEntity || !problem.TryGetProperty("errors", out var errors) ||
                    !errors.TryGetProperty(path, out _))
                {
                    failures.Add($"{pattern}: an over-long {path} was not refused by name ({(int)response.StatusCode})");
                }
            }
        }

        Assert.True(checkedFields > 50, $"only {checkedFields} text fields found");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await api.CountEventsAsync());
    }
}
