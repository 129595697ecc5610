using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Provenance.Testing;
// The API's entry point; inside Provenance.Cli.Tests a bare `Program` would be the CLI's.
using ApiProgram = Program;

namespace Provenance.Cli.Tests;

/// <summary>The API in-process, on its own migrated database, for the CLI to talk to.</summary>
public class CliFixture : TestDatabase
{
    private WebApplicationFactory<ApiProgram> _factory = null!;

    /// <summary>Serve over real loopback sockets (Kestrel) instead of the in-memory test server.</summary>
    protected virtual bool OverSockets => false;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _factory = new WebApplicationFactory<ApiProgram>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:Provenance", AppConnectionString);
            web.UseSetting("ConnectionStrings:ProvenanceMigrations", OwnerConnectionString);
            if (OverSockets)
            {
                // Without it the API listens on its fixed development port.
                web.UseSetting("urls", "http://127.0.0.1:0");
            }
        });
        if (OverSockets)
        {
            _factory.UseKestrel(0);
            _factory.StartServer();
        }

        using var client = CreateClient();
        using var ready = await client.GetAsync("/health/ready");
        ready.EnsureSuccessStatusCode();
    }

    public override async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>
    /// A new client of the API, as the CLI's host creates one (the CLI disposes it). On the
    /// in-memory server any host reaches the API, so <paramref name="api"/> only sets the path.
    /// </summary>
    public HttpClient CreateClient(Uri? api = null)
    {
        var client = _factory.CreateClient();
        if (api is not null)
        {
            client.BaseAddress = api;
        }

        return client;
    }

}

/// <summary>The API behind Kestrel on a loopback port, where HTTP/1.1 flow control is real.</summary>
public sealed class SocketCliFixture : CliFixture
{
    protected override bool OverSockets => true;
}
