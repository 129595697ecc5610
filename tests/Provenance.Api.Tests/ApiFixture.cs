using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Provenance.Domain.Access;
using Provenance.Domain.Common;
using Provenance.Testing;

namespace Provenance.Api.Tests;

/// <summary>
/// The API in-process, on its own migrated database, connected as the application role. Its
/// <see cref="Client"/> authenticates as the administrator whose bootstrap key the service issued
/// at start-up; <see cref="ClientAsync"/> gives clients of other roles. JWT bearer tokens are
/// accepted from a test issuer (<see cref="JwtIssuer"/>) signed with <see cref="JwtSigningKey"/>.
/// Rate limits are set out of reach, except where a test asks for them.
/// </summary>
public class ApiFixture : TestDatabase
{
    public const string Institution = "Mercy Regional Health";
    public const string OtherInstitution = "Lakeshore Health System";
    public const string JwtIssuer = "https://issuer.provenance.test";
    public const string JwtAudience = "provenance-api-tests";
    public static readonly byte[] JwtSigningKey = System.Text.Encoding.ASCII.GetBytes("a test-only HMAC key, 32+ bytes long, never used elsewhere");

    private readonly ConcurrentDictionary<string, Lazy<Task<HttpClient>>> _clients = new();
    private readonly string _keyFolder = Directory.CreateTempSubdirectory("provenance-api-tests-").FullName;
    private WebApplicationFactory<Program> _factory = null!;

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>A client acting as an administrator (the service's bootstrap key).</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The bootstrap administrator key the service issued at start-up.</summary>
    public string AdminKey { get; private set; } = "";

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _factory = NewInstance();
        using (var anonymous = _factory.CreateClient())
        using (var ready = await anonymous.GetAsync("/health/ready"))
        {
            ready.EnsureSuccessStatusCode();
        }

        AdminKey = (await File.ReadAllTextAsync(Path.Combine(_keyFolder, "bootstrap.key"))).Trim();
        Client = ClientWithKey(AdminKey);
    }

    public override async Task DisposeAsync()
    {
        Client.Dispose();
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated && c.Value.IsCompletedSuccessfully))
        {
            (await client.Value).Dispose();
        }

        await _factory.DisposeAsync();
        Directory.Delete(_keyFolder, recursive: true);
        await base.DisposeAsync();
    }

    /// <summary>Another instance of the service on the same database (as after a restart, or beside the first).</summary>
    public WebApplicationFactory<Program> NewInstance(Action<IWebHostBuilder>? configure = null) => new SerializedStartFactory().WithWebHostBuilder(web =>
    {
        web.UseEnvironment("Testing");
        web.UseSetting("ConnectionStrings:Provenance", AppConnectionString);
        web.UseSetting("ConnectionStrings:ProvenanceMigrations", OwnerConnectionString);
        // Checkpoints only on request (POST /checkpoints), so tests know which sizes are signed; the periodic one is tested on its own.
        web.UseSetting("Provenance:Integrity:CheckpointInterval", "1.00:00:00");
        // The overview's clearance tally once, at start-up, rather than every second the head moves; its own test sets it.
        web.UseSetting("Provenance:Workspace:TallyMinimumWait", "1.00:00:00");
        web.UseSetting("Provenance:Workspace:TallyInterval", "1.00:00:00");
        web.UseSetting("Provenance:Auth:BootstrapKeyFile", Path.Combine(_keyFolder, "bootstrap.key"));
        web.UseSetting("Provenance:Auth:Jwt:Issuer", JwtIssuer);
        web.UseSetting("Provenance:Auth:Jwt:Audience", JwtAudience);
        web.UseSetting("Provenance:Auth:Jwt:SymmetricKey", Convert.ToBase64String(JwtSigningKey));
        web.UseSetting("Provenance:Auth:Jwt:RoleMap:ledger-regulators", "regulator");
        web.UseSetting("Provenance:RateLimit:PermitLimit", "1000000");
        web.UseSetting("Provenance:RateLimit:AnonymousPermitLimit", "1000000");
        web.UseSetting("Provenance:Https:Redirect", "false");
        web.ConfigureLogging(logging => logging.AddProvider(Logs));
        Configure(web);
        configure?.Invoke(web);
    });

    /// <summary>Settings every instance of this fixture gets (a derived fixture's own), before a test's.</summary>
    protected virtual void Configure(IWebHostBuilder web)
    {
    }

    /// <summary>
    /// Another instance on real Kestrel (not the in-memory test server), listening on a free loopback
    /// port: for what only a real server does (its own body limits, a body streamed while the answer
    /// is read). Returns the instance and its base address.
    /// </summary>
    public (WebApplicationFactory<Program> Instance, Uri Address) KestrelInstance(Action<IWebHostBuilder>? configure = null)
    {
        var instance = NewInstance(web =>
        {
            web.UseSetting("urls", "http://127.0.0.1:0");
            configure?.Invoke(web);
        });
        instance.UseKestrel(0);
        instance.StartServer();
        var addresses = instance.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return (instance, new Uri(addresses.First()));
    }

    public T Service<T>()
        where T : notnull => _factory.Services.GetRequiredService<T>();

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous() => _factory.CreateClient();

    /// <summary>A client presenting <paramref name="key"/> (of this instance, or of <paramref name="instance"/>).</summary>
    public HttpClient ClientWithKey(string key, WebApplicationFactory<Program>? instance = null)
    {
        var client = (instance ?? _factory).CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        return client;
    }

    /// <summary>An administrator's client of another instance (as <see cref="Client"/> is of this one).</summary>
    public HttpClient AdminClientOf(WebApplicationFactory<Program> instance) => ClientWithKey(AdminKey, instance);

    /// <summary>
    /// A client holding one role (a steward of <see cref="Institution"/> unless another is named),
    /// through a key an administrator issued for it; one per role and institution, kept for the class.
    /// </summary>
    public Task<HttpClient> ClientAsync(Role role, string? institution = null)
    {
        var forInstitution = role == Role.Steward ? institution ?? Institution : institution;
        return _clients.GetOrAdd($"{role}|{forInstitution}", _ => new Lazy<Task<HttpClient>>(async () =>
            ClientWithKey(await IssueKeyAsync($"{Names.Of(role)}@{forInstitution ?? "ledger"}", [role], forInstitution)))).Value;
    }

    /// <summary>Issues a key through the API as the administrator and returns it.</summary>
    public async Task<string> IssueKeyAsync(string principal, Role[] roles, string? institution, DateTimeOffset? expiresAt = null)
    {
        using var response = await Client.PostAsJsonAsync("/access/api-keys", new
        {
            principal,
            roles = roles.Select(r => Names.Of(r)),
            institution,
            expiresAt = expiresAt ?? DateTimeOffset.UtcNow.AddDays(30),
            description = "test key",
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }
}

/// <summary>Keeps every log event the API writes, with its structured state.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            entries.Enqueue(new CapturedLog(category, logLevel, eventId.Name, formatter(state, exception),
                properties.ToDictionary(p => p.Key, p => p.Value), exception));
        }
    }
}

public sealed record CapturedLog(
    string Category, LogLevel Level, string? EventName, string Message, IReadOnlyDictionary<string, object?> Properties, Exception? Exception);
