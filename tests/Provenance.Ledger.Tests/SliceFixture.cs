using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Provenance.Domain.Access;
using Provenance.Domain.Common;
using Provenance.EventStore;
using Provenance.EventStore.Appending;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Testing;

namespace Provenance.Ledger.Tests;

/// <summary>Who sends a request: a principal with roles and, for a steward, an institution.</summary>
public sealed record Caller(string Principal, Role[] Roles, string? Institution = null)
{
    public static Caller Admin { get; } = new("admin@ledger", [Role.Admin]);

    public static Caller Steward(string institution) => new($"steward@{institution}", [Role.Steward], institution);
}

/// <summary>
/// The application layer on its own migrated database, without HTTP (#15; as ContosoUniversity's
/// SliceFixture): the ledger's services, its start-up (migrations, inline projections) and its
/// background work run in a generic host, and a test sends a command or a query through the
/// mediator as a caller, each in its own scope, as one HTTP request would be. The API tests keep
/// what only HTTP does (status codes, headers, media types, authentication).
/// </summary>
public sealed class SliceFixture : TestDatabase
{
    private IHost _host = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Provenance"] = AppConnectionString,
            ["ConnectionStrings:ProvenanceMigrations"] = OwnerConnectionString,
            ["Provenance:Integrity:CheckpointInterval"] = "1.00:00:00",
        });
        builder.Services.AddLedger(builder.Configuration);
        builder.Services.AddLedgerStartup();
        builder.Services.AddLedgerBackgroundWork();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await base.DisposeAsync();
    }

    public T Service<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>Sends <paramref name="request"/> as <paramref name="caller"/> (an administrator by default), with an idempotency key when given.</summary>
    public async Task<T> SendAsync<T>(IRequest<T> request, Caller? caller = null, string? idempotencyKey = null, string? requestText = null)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<RequestContext>();
        var who = caller ?? Caller.Admin;
        context.ActorId = who.Principal;
        context.Roles = who.Roles.ToHashSet();
        context.Institution = who.Institution;
        if (idempotencyKey is not null)
        {
            // The HTTP edge hashes the request's method, path and body; here the test names what was sent.
            context.Idempotency = new IdempotencyToken(idempotencyKey,
                System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(requestText ?? request.ToString()!)));
        }

        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    /// <summary>The events of a stream, in order, with their wire names.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> StreamAsync(Guid streamId) =>
        await Service<PostgresEventStore>().ReadStreamAsync(streamId).ToListAsync();

    /// <summary>The wire name of an event type.</summary>
    public static string WireName<T>() => EventCatalog.NameOf<T>();
}
