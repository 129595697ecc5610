using System.Text.Json;
using Npgsql;
using Provenance.EventStore;
using Provenance.EventStore.Serialization;
using Provenance.Testing;

namespace Provenance.EventStore.Tests;

public sealed record ThingHappened(string Name, int Count);

public sealed record ThingRenamed(string NewName);

/// <summary>A migrated database per test class, and a store connected as the application role.</summary>
public sealed class EventStoreFixture : TestDatabase
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public NpgsqlDataSource AppDataSource { get; private set; } = null!;

    public PostgresEventStore Store { get; private set; } = null!;

    public static EventTypeRegistry NewRegistry() => new EventTypeRegistry()
        .Register(typeof(ThingHappened), "test.thing-happened", 1)
        .Register(typeof(ThingRenamed), "test.thing-renamed", 1);

    public PostgresEventStore CreateStore(EventTypeRegistry? registry = null, int pageSize = 1_000) =>
        new(AppDataSource, new EventSerializer(registry ?? NewRegistry(), Json), new EventStoreOptions { ReadPageSize = pageSize });

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await MigrateAsync();
        AppDataSource = NpgsqlDataSource.Create(AppConnectionString);
        Store = CreateStore();
    }

    public override async Task DisposeAsync()
    {
        await AppDataSource.DisposeAsync();
        await base.DisposeAsync();
    }

}
