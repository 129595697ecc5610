using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Provenance.Cli.Importing;

namespace Provenance.Cli.Tests;

public sealed class ImportingAFileTests(CliFixture api) : IClassFixture<CliFixture>, IDisposable
{
    private readonly ImportFiles _files = new();

    public void Dispose() => _files.Dispose();

    private Task<CliRun> ProvenanceAsync(params string[] args) => Cli.RunAsync(uri => api.CreateClient(uri), args);

    /// <summary>Three datasets, and line 3 that the API refuses.</summary>
    private string ThreeValidLinesAndAnInvalidThird(string name) => _files.Write(name + ".ndjson",
        ImportFiles.RegisterDataset(name + " A"),
        ImportFiles.RegisterDataset(name + " B"),
        ImportFiles.IncompleteDataset,
        ImportFiles.RegisterDataset(name + " C"));

    [Fact]
    public async Task Three_valid_lines_and_an_invalid_one_are_reported_as_three_created_and_the_failing_line()
    {
        var file = ThreeValidLinesAndAnInvalidThird("Created");
        var before = await api.CountEventsAsync();

        var run = await ProvenanceAsync("import", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(3, run.Count("Created"));
        Assert.Equal(0, run.Count("Replayed"));
        Assert.Equal(1, run.Count("Failed"));
        // The failures table: line 3, its status and the problem's detail (which names the missing fields).
        Assert.Matches(@"\b3\W+422\W+[^\n]*steward", run.Output);
        Assert.Equal(before + 3, await api.CountEventsAsync());
        Assert.Empty(run.Errors);
    }

    [Fact]
    public async Task Importing_again_with_the_same_idempotency_key_replays_every_line_and_writes_nothing()
    {
        var file = ThreeValidLinesAndAnInvalidThird("Replayed");
        var key = Guid.NewGuid().ToString();
        var first = await ProvenanceAsync("import", file, "--idempotency-key", key);
        Assert.Equal(3, first.Count("Created"));
        var before = await api.CountEventsAsync();

        var again = await ProvenanceAsync("import", file, "--idempotency-key", key);

        Assert.Equal(1, again.ExitCode);
        Assert.Equal(0, again.Count("Created"));
        Assert.Equal(3, again.Count("Replayed"));
        Assert.Equal(1, again.Count("Failed"));
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task The_failures_file_holds_exactly_the_result_of_the_failed_line()
    {
        var file = ThreeValidLinesAndAnInvalidThird("Failures");
        var failures = _files.Path("failures.ndjson");

        var run = await ProvenanceAsync("import", file, "--failures", failures);

        Assert.Equal(1, run.ExitCode);
        using var result = JsonDocument.Parse(Assert.Single(await File.ReadAllLinesAsync(failures)));
        Assert.Equal(3, result.RootElement.GetProperty("line").GetInt64());
        Assert.Equal(422, result.RootElement.GetProperty("status").GetInt32());
        Assert.True(result.RootElement.GetProperty("problem").GetProperty("errors").TryGetProperty("steward", out _));
        Assert.Contains(failures, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_results_file_holds_every_lines_result_with_the_ids_created()
    {
        var file = ThreeValidLinesAndAnInvalidThird("Results");
        var results = _files.Path("results.ndjson");

        await ProvenanceAsync("import", file, "--results", results);

        var lines = (await File.ReadAllLinesAsync(results)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([1L, 2L, 3L, 4L], lines.Select(r => r.GetProperty("line").GetInt64()));
        Assert.Equal([201, 201, 422, 201], lines.Select(r => r.GetProperty("status").GetInt32()));
        Assert.All(lines.Where(r => r.GetProperty("status").GetInt32() == 201),
            r => Assert.Equal($"/datasets/{r.GetProperty("id").GetGuid()}", r.GetProperty("location").GetString()));
    }

    [Fact]
    public async Task Every_line_succeeding_exits_0_and_leaves_an_empty_failures_file()
    {
        var file = _files.Write("all-good.ndjson", ImportFiles.RegisterDataset("All good"));
        var failures = _files.WriteText("stale-failures.ndjson", "{\"line\": 1, \"status\": 422}\n");

        var run = await ProvenanceAsync("import", file, "--failures", failures);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(1, run.Count("Created"));
        Assert.Equal(0, new FileInfo(failures).Length);
    }

    [Fact]
    public async Task A_missing_file_exits_2_with_a_clear_message_and_no_stack_trace()
    {
        var missing = _files.Path("nowhere.ndjson");

        var run = await ProvenanceAsync("import", missing);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: The file '{missing}' does not exist.", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_the_API_refuses_as_a_whole_exits_2_with_the_problems_title_and_detail()
    {
        var file = _files.Write("refused.ndjson", ImportFiles.RegisterDataset("Refused"));

        // Not the API's root: POST /elsewhere/imports is a 404 problem.
        var run = await ProvenanceAsync("import", file, "--api", "http://localhost/elsewhere");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("404", run.Errors, StringComparison.Ordinal);
        Assert.Contains("No resource is at this address.", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_API_nobody_listens_on_exits_2_naming_its_address()
    {
        var file = _files.Write("unreachable.ndjson", ImportFiles.RegisterDataset("Unreachable"));

        // Port 1 (tcpmux) is closed on any machine that runs these tests.
        var run = await Cli.RunAsync(uri => new HttpClient { BaseAddress = uri }, "import", file, "--api", "http://127.0.0.1:1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Could not connect to the Provenance API at http://127.0.0.1:1/", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(" at System.", run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("import")]
    [InlineData("import", "a.ndjson", "--api", "ftp://example.org")]
    [InlineData("import", "a.ndjson", "--unknown-option")]
    [InlineData("import", "a.ndjson", "--idempotency-key", "two words")]
    [InlineData("export")]
    public async Task A_usage_error_exits_2(params string[] args)
    {
        var run = await ProvenanceAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.NotEmpty(run.Errors);
    }

    [Fact]
    public async Task Redirected_output_gets_a_line_per_thousand_results_instead_of_a_progress_bar()
    {
        var file = _files.Write("many.ndjson", Enumerable.Repeat(ImportFiles.IncompleteDataset, 2_500).ToArray());

        var run = await ProvenanceAsync("import", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("1,000 of 2,500 lines answered (1,000 failed)", run.Output, StringComparison.Ordinal);
        Assert.Contains("2,000 of 2,500 lines answered (2,000 failed)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("3,000 of", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Output);
        Assert.Equal(2_500, run.Count("Failed"));
        Assert.Contains($"The first {BulkImporter.FailuresShown} failed lines:", run.Output, StringComparison.Ordinal);
        Assert.Contains("… and 2,490 more.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_a_live_progress_bar_is_drawn()
    {
        var file = _files.Write("terminal.ndjson", ImportFiles.RegisterDataset("Terminal"), ImportFiles.IncompleteDataset);
        var output = new StringWriter();
        using var client = api.CreateClient();

        var outcome = await new BulkImporter(client, Cli.Console(output, terminal: true)).ImportAsync(new ImportRequest(new FileInfo(file)));

        Assert.Equal(ExitCodes.LinesFailed, outcome.ExitCode);
        Assert.Equal((1, 1), (outcome.Tally.Created, outcome.Tally.Failed));
        Assert.Contains("100%", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("lines answered", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_sent_in_several_requests_keeps_its_line_numbers_and_its_idempotency_keys()
    {
        // Line 3 is blank but larger than a request, so lines 4 and later go in a second request.
        var file = _files.Write("batched.ndjson",
            ImportFiles.RegisterDataset("Batched A"),
            ImportFiles.IncompleteDataset,
            new string(' ', BulkImporter.MaxBatchBytes + 1),
            ImportFiles.RegisterDataset("Batched B"),
            ImportFiles.IncompleteDataset,
            "",
            ImportFiles.RegisterDataset("Batched C"));
        var failures = _files.Path("batched-failures.ndjson");
        var key = Guid.NewGuid().ToString();

        var run = await ProvenanceAsync("import", file, "--idempotency-key", key, "--failures", failures);

        Assert.Contains("in 2 requests", run.Output, StringComparison.Ordinal);
        Assert.Equal((3, 2), (run.Count("Created"), run.Count("Failed")));
        var failedLines = (await File.ReadAllLinesAsync(failures)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("line").GetInt64());
        Assert.Equal([2L, 5L], failedLines);

        // Line N is keyed K#N as if the file had gone in one request: sending it whole replays every line.
        var before = await api.CountEventsAsync();
        using var client = api.CreateClient();
        using var whole = new HttpRequestMessage(HttpMethod.Post, "/imports") { Content = new ByteArrayContent(await File.ReadAllBytesAsync(file)) };
        whole.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        whole.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(whole);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(answer[^1].TryGetProperty("summary", out _), "the answer ends with its summary line");
        var results = answer[..^1];
        Assert.Equal([1L, 2L, 4L, 5L, 7L], results.Select(r => r.GetProperty("line").GetInt64()));
        Assert.Equal([200, 422, 200, 422, 200], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal(before, await api.CountEventsAsync());
    }
}

/// <summary>Over real sockets, where the request and the answer share HTTP/1.1 flow control.</summary>
public sealed class ImportingOverSocketsTests(SocketCliFixture api) : IClassFixture<SocketCliFixture>, IDisposable
{
    private readonly ImportFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_25_MB_import_is_answered_to_its_last_line_instead_of_deadlocking()
    {
        // Sent as one request, this file never got its first result: the API stops reading while
        // its answers pile up unread, and HttpClient reads nothing before it has sent everything.
        var line = $$$"""{"command": "register-dataset", "body": {"name": "{{{new string('x', 1_000)}}}"}}""";
        var file = _files.Write("large.ndjson", Enumerable.Repeat(line, 25_000).ToArray());
        Assert.True(new FileInfo(file).Length > 25_000_000);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var client = api.CreateClient();

        var outcome = await new BulkImporter(client, Cli.Console(new StringWriter())).ImportAsync(new ImportRequest(new FileInfo(file)), deadline.Token);

        Assert.Equal(ExitCodes.LinesFailed, outcome.ExitCode);
        Assert.Equal(25_000, outcome.Tally.Failed);
    }
}
