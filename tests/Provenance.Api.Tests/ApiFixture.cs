using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Provenance.Testing;

namespace Provenance.Api.Tests;

/// <summary>The API in-process, on its own migrated database, connected as the application role.</summary>
public sealed class ApiFixture : TestDatabase
{
    private WebApplicationFactory<Program> _factory = null!;

    public CapturingLoggerProvider Logs { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _factory = NewInstance();
        Client = _factory.CreateClient();
        using var ready = await Client.GetAsync("/health/ready");
        ready.EnsureSuccessStatusCode();
    }

    public override async Task DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Another instance of the service on the same database (as after a restart, or beside the first).</summary>
    public WebApplicationFactory<Program> NewInstance() => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseEnvironment("Testing");
        web.UseSetting("ConnectionStrings:Provenance", AppConnectionString);
        web.UseSetting("ConnectionStrings:ProvenanceMigrations", OwnerConnectionString);
        // Checkpoints only on request (POST /checkpoints), so tests know which sizes are signed; the periodic one is tested on its own.
        web.UseSetting("Provenance:Integrity:CheckpointInterval", "1.00:00:00");
        web.ConfigureLogging(logging => logging.AddProvider(Logs));
    });

    public T Service<T>()
        where T : notnull => _factory.Services.GetRequiredService<T>();

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
