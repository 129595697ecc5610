using System.Net;
using System.Text;

namespace Provenance.Cli.Tests;

/// <summary>
/// #14: every complete answer to an import ends with a summary line. The CLI stops on an answer
/// without one (it was cut off), and resumes where the API's rate limit stopped it.
/// </summary>
public sealed class ImportSummaryTests : IDisposable
{
    private const string Ndjson = "application/x-ndjson";
    private readonly ImportFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>Answers each request with the next body in turn, and keeps the requests' first lines.</summary>
    private sealed class Answers(params string[] bodies) : HttpMessageHandler
    {
        private int _next;

        public List<string?> IdempotencyKeys { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            IdempotencyKeys.Add(request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null);
            var body = bodies[Math.Min(_next++, bodies.Length - 1)];
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, Ndjson) });
        }
    }

    private static string Result(int line, int status) =>
        $$"""{"line":{{line}},"status":{{status}},"id":"0193a4b8-0000-7000-8000-00000000000{{line}}","location":"/datasets/0193a4b8-0000-7000-8000-00000000000{{line}}","version":1,"replayed":{{(status == 200 ? "true" : "false")}},"problem":null}""";

    private Task<CliRun> ImportAsync(HttpMessageHandler api, params string[] options) =>
        Cli.RunAsync(uri => new HttpClient(api) { BaseAddress = uri },
            ["import", _files.Write("two.ndjson", ImportFiles.RegisterDataset("One") + "\n" + ImportFiles.RegisterDataset("Two")), .. options]);

    [Fact]
    public async Task Bug_14_an_answer_without_its_summary_line_was_cut_off_and_the_import_says_so()
    {
        var run = await ImportAsync(new Answers(Result(1, 201) + "\n"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("ended without its summary line", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bug_14_an_import_stopped_by_the_rate_limit_resumes_after_the_wait_without_counting_a_line_twice()
    {
        var api = new Answers(
            Result(1, 201) + "\n" +
            """{"summary":{"linesRead":1,"written":1,"replayed":0,"refused":0,"lastPosition":7,"complete":false,"stoppedAtLine":2,"retryAfter":1,"problem":{"type":"urn:provenance:problem:too-many-requests","title":"Too many requests","status":429,"detail":"No request left."}}}""" + "\n",
            Result(1, 200) + "\n" + Result(2, 201) + "\n" +
            """{"summary":{"linesRead":2,"written":1,"replayed":1,"refused":0,"lastPosition":8,"complete":true,"stoppedAtLine":null,"retryAfter":null,"problem":null}}""" + "\n");

        var run = await ImportAsync(api, "--idempotency-key", "rate-limited-import");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["rate-limited-import", "rate-limited-import"], api.IdempotencyKeys);
        Assert.Contains("resuming in 1 s", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"Created\W+2\b", run.Output);
        Assert.Matches(@"Replayed\W+0\b", run.Output);
    }

    [Fact]
    public async Task Bug_14_without_an_idempotency_key_an_import_stopped_by_the_rate_limit_is_not_sent_again()
    {
        var api = new Answers(
            Result(1, 201) + "\n" +
            """{"summary":{"linesRead":1,"written":1,"replayed":0,"refused":0,"lastPosition":7,"complete":false,"stoppedAtLine":2,"retryAfter":1,"problem":{"status":429,"detail":"No request left."}}}""" + "\n");

        var run = await ImportAsync(api);

        Assert.Equal(2, run.ExitCode);
        Assert.Single(api.IdempotencyKeys);
        Assert.Contains("could record them twice", run.Errors, StringComparison.Ordinal);
    }
}
