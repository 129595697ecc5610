using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Provenance.Integrity.Witnessing;

namespace Provenance.Witness.Tests;

/// <summary>#17: the witness over HTTP, as a log reaches it: POST /add-checkpoint, the answers' media types and bodies.</summary>
public sealed class WitnessHostTests : IAsyncLifetime, IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("provenance-witness-host-");
    private readonly WitnessSigner _signer = WitnessSigner.Generate("witness.example.org/http");
    private readonly WitnessedLog _log = new();
    private readonly HttpClient _client = new();
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _app = WitnessHost.Build(new WitnessOptions(_signer, _state.FullName, [_log.VerifierKey]), $"http://127.0.0.1:{port}", logging => logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync();
        _client.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    [Fact]
    public async Task A_log_gets_a_cosignature_line_then_a_409_with_the_size_when_it_sends_a_stale_one()
    {
        using var first = await PostAsync(_log.Append(5).Request(0));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var line = await first.Content.ReadAsStringAsync();
        Assert.StartsWith("\u2014 witness.example.org/http ", line, StringComparison.Ordinal);
        Assert.Single(CosignedNote.Check(_log.Checkpoint() + line, [_signer.VerifierKey]).Cosigned);

        using var stale = await PostAsync(_log.Append(3).Request(0));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("text/x.tlog.size", stale.Content.Headers.ContentType!.MediaType);
        Assert.Equal("5\n", await stale.Content.ReadAsStringAsync());

        var status = await _client.GetStringAsync("/");
        Assert.Contains(_signer.VerifierKey.ToString(), status, StringComparison.Ordinal);
        Assert.Contains($"log {_log.Origin}: latest cosigned size 5", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_is_refused_400()
    {
        using var content = new ByteArrayContent([0x6f, 0x6c, 0x64, 0x20, 0xff, 0xfe, 0x0a]);
        using var response = await _client.PostAsync("add-checkpoint", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose()
    {
        _client.Dispose();
        _signer.Dispose();
        _log.Dispose();
        _state.Delete(recursive: true);
    }

    private Task<HttpResponseMessage> PostAsync(string body) => _client.PostAsync("add-checkpoint", new StringContent(body, Encoding.UTF8, "text/plain"));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
