using System.Net;
using System.Text;

namespace Provenance.Cli.Tests;

public sealed class WholeRequestRefusalTests : IDisposable
{
    private readonly ImportFiles _files = new();

    public void Dispose() => _files.Dispose();

    private sealed class Answering(HttpStatusCode status, string mediaType, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) });
    }

    private Task<CliRun> ImportAgainstAsync(HttpMessageHandler api) =>
        Cli.RunAsync(uri => new HttpClient(api) { BaseAddress = uri }, "import", _files.Write("one.ndjson", ImportFiles.RegisterDataset("One")));

    [Fact]
    public async Task A_415_problem_exits_2_with_its_status_and_detail()
    {
        var run = await ImportAgainstAsync(new Answering(HttpStatusCode.UnsupportedMediaType, "application/problem+json",
            """{"type": "urn:provenance:problem:unsupported-media-type", "title": "Unsupported media type", "status": 415, "detail": "Send the import as application/x-ndjson."}"""));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: The API refused the import with 415 Unsupported Media Type: Send the import as application/x-ndjson.", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_problem_whose_title_adds_to_the_status_line_is_shown_with_its_title()
    {
        var run = await ImportAgainstAsync(new Answering(HttpStatusCode.ServiceUnavailable, "application/problem+json",
            """{"title": "The ledger is read-only", "detail": "Imports resume after the migration window."}"""));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("503 Service Unavailable: The ledger is read-only. Imports resume after the migration window.", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_not_the_API_is_named_as_the_likely_mistake()
    {
        var run = await ImportAgainstAsync(new Answering(HttpStatusCode.OK, "text/html", "<html>Welcome</html>"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("answered 200 OK with text/html instead of application/x-ndjson results: is --api the Provenance API's address?", run.Errors, StringComparison.Ordinal);
    }
}
