using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Provenance.Api.Tests.Access;

/// <summary>
/// #14: what a careless client and a hostile insider found. Each test failed before its fix.
/// </summary>
public sealed class HostileInputRegressionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Json = "application/json";
    private const string Ndjson = "application/x-ndjson";

    private static JsonObject Dataset(string name = "Regression dataset") =>
        JsonSerializer.SerializeToNode(Requests.ValidDataset(name))!.AsObject();

    // --- Imports: a line is bounded while it is read --------------------------------------------

    [Fact]
    public async Task Bug_14_an_import_line_over_its_limit_is_answered_before_the_rest_of_it_is_sent()
    {
        var (instance, address) = api.KestrelInstance();
        await using var _ = instance;
        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        var stream = socket.GetStream();
        var answer = new StringBuilder();
        var answered = new TaskCompletionSource();
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                lock (answer)
                {
                    answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
                    if (answer.ToString().Contains("\"line\":1,\"status\":422", StringComparison.Ordinal))
                    {
                        answered.TrySetResult();
                    }

                    if (answer.ToString().Contains("\"summary\"", StringComparison.Ordinal))
                    {
                        return;
                    }
                }
            }
        });

        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /imports HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: ApiKey {api.AdminKey}\r\n" +
            $"Content-Type: {Ndjson}\r\nTransfer-Encoding: chunked\r\n\r\n"));
        await WriteChunkAsync(stream, "{\"command\": \"register-dataset\", \"body\": {\"name\": \""u8.ToArray());

        // A 64 MiB line, generated a piece at a time: the answer must come long before its end.
        const long lineBytes = 64L * 1024 * 1024;
        var piece = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
        long sent = 0;
        while (sent < lineBytes && !answered.Task.IsCompleted)
        {
            await WriteChunkAsync(stream, piece);
            sent += piece.Length;
        }

        Assert.True(answered.Task.IsCompleted, "the over-long line was answered before the generator was exhausted");
        Assert.True(sent < 16L * 1024 * 1024, $"the answer came after {sent:N0} bytes of the line");
        await WriteChunkAsync(stream, Encoding.UTF8.GetBytes("\"}}\n" + JsonSerializer.Serialize(new { command = "register-dataset", body = Requests.ValidDataset("after the long line") }) + "\n"));
        await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        await reading.WaitAsync(TimeSpan.FromSeconds(30));

        var text = answer.ToString();
        Assert.Contains("at most 4,194,304 bytes", text, StringComparison.Ordinal);
        Assert.Contains("\"line\":2,\"status\":201", text, StringComparison.Ordinal);
        Assert.Contains("\"linesRead\":2,\"written\":1,\"replayed\":0,\"refused\":1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bug_14_an_import_body_past_its_limit_stops_with_a_summary_that_says_so()
    {
        var (instance, address) = api.KestrelInstance(web => web.UseSetting("Provenance:Limits:MaxImportBodyBytes", "20000"));
        await using var _ = instance;
        using var client = KestrelClient(address);
        var line = JsonSerializer.Serialize(new { command = "register-dataset", body = Requests.ValidDataset("Within the limit") });
        var body = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Repeat(line, 200)));
        var before = await api.CountEventsAsync();

        // No length given, so the limit is met while streaming; the answer says where it stopped.
        using var response = await client.PostAsync("/imports", HostileBodies.Chunked(body, Ndjson));

        var (results, summary) = await Imports.ReadAsync(response);
        Assert.False(summary.GetProperty("complete").GetBoolean());
        Assert.Equal("urn:provenance:problem:payload-too-large", summary.GetProperty("problem").GetProperty("type").GetString());
        Assert.Equal(results.Count + 1, summary.GetProperty("stoppedAtLine").GetInt64());
        Assert.InRange(results.Count, 1, 20000 / line.Length);
        Assert.All(results, r => Assert.Equal(201, r.GetProperty("status").GetInt32()));
        Assert.Equal(before + results.Count, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Bug_14_an_import_is_bounded_by_default_and_a_declared_length_past_it_is_refused_before_it_is_read()
    {
        var (instance, address) = api.KestrelInstance();
        await using var _ = instance;
        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        var stream = socket.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /imports HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: ApiKey {api.AdminKey}\r\n" +
            $"Content-Type: {Ndjson}\r\nContent-Length: {256L * 1024 * 1024 + 1}\r\n\r\n"));
        var buffer = new byte[8192];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        var head = Encoding.UTF8.GetString(buffer, 0, read);
        Assert.StartsWith("HTTP/1.1 413", head, StringComparison.Ordinal);
        Assert.Contains("payload-too-large", head, StringComparison.Ordinal);
        Assert.Contains("268,435,456 bytes", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bug_14_an_oversize_chunked_body_gets_the_ledgers_own_problem_from_a_real_server()
    {
        var (instance, address) = api.KestrelInstance();
        await using var _ = instance;
        using var client = KestrelClient(address);
        var body = Dataset();
        body["description"] = new string('x', 2 * 1024 * 1024);

        using var response = await client.PostAsync("/datasets", HostileBodies.Chunked(Encoding.UTF8.GetBytes(body.ToJsonString()), Json));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Equal("Request body too large", problem.GetProperty("title").GetString());
        Assert.Contains("1,048,576 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    // --- Idempotency-Key -------------------------------------------------------------------------

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task Bug_14_an_empty_or_blank_idempotency_key_is_a_422_and_writes_nothing(string key)
    {
        // On a real server: the in-memory one drops a header with an empty value.
        var (instance, address) = api.KestrelInstance();
        await using var _ = instance;
        using var client = KestrelClient(address);
        foreach (var path in new[] { "/datasets", "/imports" })
        {
            var before = await api.CountEventsAsync();
            using var request = path == "/datasets"
                ? new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(Requests.ValidDataset("blank key")) }
                : new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(ImportLine("blank key"), Encoding.UTF8, Ndjson) };
            Assert.True(request.Headers.TryAddWithoutValidation("Idempotency-Key", key));

            using var response = await client.SendAsync(request);

            var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "validation-failed");
            Assert.Single(Problems.Reasons(problem, "Idempotency-Key"));
            Assert.Equal(before, await api.CountEventsAsync());
        }
    }

    [Fact]
    public async Task Bug_14_a_repeated_idempotency_key_header_is_a_400_and_writes_nothing()
    {
        var before = await api.CountEventsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/datasets") { Content = JsonContent.Create(Requests.ValidDataset("two keys")) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "first-key");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "second-key");

        using var response = await api.Client.SendAsync(request);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "malformed-request");
        Assert.Contains("more than once", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    // --- Text ------------------------------------------------------------------------------------

    public static TheoryData<int> RefusedInOneLineFields => new()
    {
        0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF, // noncharacters, in the first and other planes
        0x061C, 0x200B, 0x200E, 0x200F, 0x2060, 0x2064, // invisible format characters
        0x202A, 0x202E, 0x2066, 0x2069, // bidirectional embeddings, overrides, isolates
        0xFEFF, 0xE0001, 0xE0041, 0xE007F, // byte order mark, tag characters
        0x2028, 0x2029, // line and paragraph separators
    };

    [Theory]
    [MemberData(nameof(RefusedInOneLineFields))]
    public async Task Bug_14_a_one_line_field_refuses_noncharacters_bidi_controls_invisible_characters_and_separators(int codePoint)
    {
        var body = Dataset();
        body["name"] = $"Chest CT {char.ConvertFromUtf32(codePoint)} 2025";
        var before = await api.CountEventsAsync();

        using var response = await api.Client.PostAsync("/datasets", new StringContent(body.ToJsonString(), Encoding.UTF8, Json));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Single(Problems.Reasons(problem, "name"));
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Theory]
    [InlineData(0x2028, true)]
    [InlineData(0x2029, true)]
    [InlineData(0x200D, true)] // a zero-width joiner is part of some scripts
    [InlineData(0x200F, true)]
    [InlineData(0xFFFE, false)]
    [InlineData(0x202E, false)]
    [InlineData(0xE0041, false)]
    [InlineData(0xFEFF, false)]
    public async Task Bug_14_a_multi_line_field_takes_separators_and_script_joiners_but_not_the_rest(int codePoint, bool accepted)
    {
        var body = Dataset($"Multi-line {codePoint:X}");
        body["description"] = $"First paragraph.{char.ConvertFromUtf32(codePoint)}Second paragraph.";

        using var response = await api.Client.PostAsync("/datasets", new StringContent(body.ToJsonString(), Encoding.UTF8, Json));

        if (accepted)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        else
        {
            Assert.Single(Problems.Reasons(await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "validation-failed"), "description"));
        }
    }

    [Fact]
    public async Task Bug_14_a_lone_surrogate_is_answered_as_the_docs_say()
    {
        var text = Dataset().ToJsonString().Replace("\"name\":\"Regression dataset\"", "\"name\":\"Chest \\ud800 CT\"", StringComparison.Ordinal);
        var before = await api.CountEventsAsync();

        using var response = await api.Client.PostAsync("/datasets", new StringContent(text, Encoding.UTF8, Json));

        // docs/api.md: a lone surrogate can't be read as text at all, so the body is malformed: 400, naming the field.
        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "malformed-request");
        Assert.Equal(["is not valid Unicode text: it holds an unpaired surrogate"], Problems.Reasons(problem, "name"));
        Assert.Equal(before, await api.CountEventsAsync());
    }

    // --- Content types ---------------------------------------------------------------------------

    [Theory]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/problem+json")]
    [InlineData("text/json")]
    [InlineData("text/plain")]
    [InlineData("application/json; charset=utf-8; version=2")]
    [InlineData("application/x-ndjson")]
    public async Task Bug_14_a_json_body_sent_as_anything_but_application_json_is_a_415(string contentType)
    {
        var before = await api.CountEventsAsync();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Dataset().ToJsonString()));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await api.Client.PostAsync("/datasets", content);

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("Application/JSON")]
    public async Task Bug_14_application_json_with_a_utf8_charset_or_none_is_accepted(string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Dataset($"Accepted as {contentType}").ToJsonString()));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await api.Client.PostAsync("/datasets", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/x-ndjson; charset=latin1")]
    [InlineData("text/plain")]
    public async Task Bug_14_an_import_sent_as_anything_but_ndjson_is_a_415(string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(ImportLine("wrong type")));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await api.Client.PostAsync("/imports", content);

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    // --- Reserved principals ---------------------------------------------------------------------

    [Theory]
    [InlineData("system")]
    [InlineData("System")]
    [InlineData("seed-loader")]
    [InlineData("bootstrap-admin")]
    [InlineData("anonymous")]
    public async Task Bug_14_a_name_the_service_writes_as_itself_cannot_be_issued_a_key(string principal)
    {
        var before = await api.CountEventsAsync();

        using var response = await api.Client.PostAsJsonAsync("/access/api-keys", new
        {
            principal, roles = new[] { "admin" }, expiresAt = DateTimeOffset.UtcNow.AddDays(1), description = "impersonating the service",
        });

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Contains("reserved", Assert.Single(Problems.Reasons(problem, "principal")), StringComparison.Ordinal);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Theory]
    [InlineData("system")]
    [InlineData("seed-loader")]
    [InlineData("bootstrap-admin")]
    public async Task Bug_14_a_token_whose_subject_is_a_name_the_service_writes_as_itself_is_refused(string subject)
    {
        using var client = api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Issue(subject, ["admin"]));

        using var response = await client.PostAsJsonAsync("/datasets", Requests.ValidDataset("as the system"));

        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    // --- The rate limit bounds imports ----------------------------------------------------------

    [Fact]
    public async Task Bug_14_each_line_an_import_writes_spends_a_request_of_the_rate_limit()
    {
        await using var instance = api.NewInstance(web =>
        {
            web.UseSetting("Provenance:RateLimit:PermitLimit", "5");
            web.UseSetting("Provenance:RateLimit:Window", "01:00:00");
        });
        var key = await api.IssueKeyAsync("rate-limited importer", [Domain.Access.Role.Admin], null);
        using var client = api.ClientWithKey(key, instance);
        var before = await api.CountEventsAsync();
        var lines = string.Join('\n', Enumerable.Range(1, 10).Select(i => ImportLine($"Rate-limited {i}")));

        using var response = await client.PostAsync("/imports", new StringContent(lines, Encoding.UTF8, Ndjson));

        // The request spends one, so four lines are written and the fifth is not run.
        var (results, summary) = await Imports.ReadAsync(response);
        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.Equal(201, r.GetProperty("status").GetInt32()));
        Assert.False(summary.GetProperty("complete").GetBoolean());
        Assert.Equal(5, summary.GetProperty("stoppedAtLine").GetInt64());
        Assert.Equal(4, summary.GetProperty("linesRead").GetInt64());
        Assert.True(summary.GetProperty("retryAfter").GetInt32() > 0);
        Assert.Equal("urn:provenance:problem:too-many-requests", summary.GetProperty("problem").GetProperty("type").GetString());
        Assert.Equal(before + 4, await api.CountEventsAsync());
    }

    // --- The summary line -----------------------------------------------------------------------

    [Fact]
    public async Task Bug_14_an_imports_answer_ends_with_a_summary_of_what_it_did()
    {
        var key = Guid.NewGuid().ToString();
        var lines = string.Join('\n', ImportLine("Summary one"), "{ broken", "", ImportLine("Summary two"));

        using var first = await api.Client.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Post, "/imports") { Content = new StringContent(lines, Encoding.UTF8, Ndjson) }, key));
        var (results, summary) = await Imports.ReadAsync(first);
        using var again = await api.Client.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Post, "/imports") { Content = new StringContent(lines, Encoding.UTF8, Ndjson) }, key));
        var (_, replayed) = await Imports.ReadAsync(again);

        Assert.Equal(3, results.Count);
        Assert.Equal(4, summary.GetProperty("linesRead").GetInt64());
        Assert.Equal(2, summary.GetProperty("written").GetInt64());
        Assert.Equal(1, summary.GetProperty("refused").GetInt64());
        Assert.True(summary.GetProperty("complete").GetBoolean());
        var last = await api.Client.GetFromJsonAsync<JsonElement>($"{results[2].GetProperty("location").GetString()}/events");
        Assert.Equal(last.GetProperty("items")[0].GetProperty("position").GetInt64(), summary.GetProperty("lastPosition").GetInt64());
        Assert.Equal(2, replayed.GetProperty("replayed").GetInt64());
        Assert.Equal(0, replayed.GetProperty("written").GetInt64());
        Assert.Equal(summary.GetProperty("lastPosition").GetInt64(), replayed.GetProperty("lastPosition").GetInt64());
    }

    // --- The database unreachable ----------------------------------------------------------------

    [Fact]
    public async Task Bug_14_while_the_database_is_unreachable_requests_get_a_503_with_retry_after_and_the_outage_is_logged_once()
    {
        await using var instance = api.NewInstance(web =>
        {
            web.UseSetting("ConnectionStrings:Provenance", $"Host=127.0.0.1;Port={ClosedPort()};Username=nobody;Password=none;Database=none;Timeout=2");
            web.UseSetting("Provenance:Database:ReadOnly", "true");
        });
        using var client = api.AdminClientOf(instance);
        var logged = api.Logs.Entries.Count(e => e.Message.Contains("ledger database is unavailable", StringComparison.Ordinal));

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("/datasets");
            await Problems.AssertAsync(response, HttpStatusCode.ServiceUnavailable, "database-unavailable");
            Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        }

        Assert.Equal(logged + 1, api.Logs.Entries.Count(e => e.Message.Contains("ledger database is unavailable", StringComparison.Ordinal)));
        Assert.DoesNotContain(api.Logs.Entries, e => e.Category.Contains("ProblemExceptionHandler", StringComparison.Ordinal) && e.Level >= LogLevel.Error &&
                                                    e.Message.StartsWith("Unhandled error", StringComparison.Ordinal) && e.Exception is Npgsql.NpgsqlException);
    }

    private HttpClient KestrelClient(Uri address)
    {
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", api.AdminKey);
        return client;
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
    {
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static string ImportLine(string name) => JsonSerializer.Serialize(new { command = "register-dataset", body = Requests.ValidDataset(name) });

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WriteChunkAsync(NetworkStream stream, byte[] data)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
        await stream.WriteAsync(data);
        await stream.WriteAsync("\r\n"u8.ToArray());
    }
}
