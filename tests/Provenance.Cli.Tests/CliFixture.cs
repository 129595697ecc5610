using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Provenance.Testing;
// The API's entry point; inside Provenance.Cli.Tests a bare `Program` would be the CLI's.
using ApiProgram = Program;

namespace Provenance.Cli.Tests;

/// <summary>
/// The API in-process, on its own migrated database, for the CLI to talk to. Clients it creates act
/// as the administrator whose bootstrap key the service issued at start-up, unless the CLI sends a
/// key of its own (--api-key or PROVENANCE_API_KEY); <see cref="CreateClient"/> with
/// <c>anonymous: true</c> sends only what the CLI sends.
/// </summary>
public class CliFixture : TestDatabase
{
    private readonly string _keyFolder = Directory.CreateTempSubdirectory("provenance-cli-tests-").FullName;
    private WebApplicationFactory<ApiProgram> _factory = null!;

    /// <summary>The bootstrap administrator key.</summary>
    public string AdminKey { get; private set; } = "";

    /// <summary>The checkpoint signing key the service uses (PKCS#8 PEM), so a test can forge what an attacker with it could.</summary>
    public string SigningKeyPem { get; } = CreateSigningKeyPem();

    private static string CreateSigningKeyPem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

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
            web.UseSetting("Provenance:Auth:BootstrapKeyFile", Path.Combine(_keyFolder, "bootstrap.key"));
            web.UseSetting("Provenance:RateLimit:PermitLimit", "1000000");
            web.UseSetting("Provenance:Integrity:SigningKeyPem", SigningKeyPem);
            web.UseSetting("Provenance:Https:Redirect", "false");
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

        using var client = CreateClient(anonymous: true);
        using var ready = await client.GetAsync("/health/ready");
        ready.EnsureSuccessStatusCode();
        AdminKey = (await File.ReadAllTextAsync(Path.Combine(_keyFolder, "bootstrap.key"))).Trim();
    }

    public override async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_keyFolder, recursive: true);
        await base.DisposeAsync();
    }

    /// <summary>
    /// A new client of the API, as the CLI's host creates one (the CLI disposes it). On the
    /// in-memory server any host reaches the API, so <paramref name="api"/> only sets the path.
    /// </summary>
    public HttpClient CreateClient(Uri? api = null, bool anonymous = false)
    {
        var client = anonymous ? _factory.CreateClient() : _factory.CreateDefaultClient(_factory.ClientOptions.BaseAddress, new AdministratorUnlessAuthorized(() => AdminKey));
        if (api is not null)
        {
            client.BaseAddress = api;
        }

        return client;
    }

    /// <summary>Adds the administrator's key to a request that carries no Authorization of its own.</summary>
    private sealed class AdministratorUnlessAuthorized(Func<string> key) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization ??= new System.Net.Http.Headers.AuthenticationHeaderValue("ApiKey", key());
            return base.SendAsync(request, cancellationToken);
        }
    }

}

/// <summary>The API behind Kestrel on a loopback port, where HTTP/1.1 flow control is real.</summary>
public sealed class SocketCliFixture : CliFixture
{
    protected override bool OverSockets => true;
}
