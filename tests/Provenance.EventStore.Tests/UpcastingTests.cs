using System.Text.Json.Nodes;
using Provenance.EventStore;
using Provenance.EventStore.Serialization;

namespace Provenance.EventStore.Tests;

public sealed record ThingHappenedV2(string Title, int Count, string Unit);

public sealed class UpcastingTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task Events_stored_at_an_old_schema_version_are_upcast_on_read()
    {
        var id = Guid.NewGuid();
        await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("old", 3)], Metadata.Test);

        // Later the type changed shape under the same wire name, at schema version 2.
        var registry = new EventTypeRegistry()
            .Register(typeof(ThingHappenedV2), "test.thing-happened", 2)
            .AddUpcaster("test.thing-happened", 1, v1 => new JsonObject
            {
                ["title"] = v1["name"]!.GetValue<string>(),
                ["count"] = v1["count"]!.GetValue<int>(),
                ["unit"] = "items",
            });
        var events = await db.CreateStore(registry).ReadStreamAsync(id).ToListAsync();

        var recorded = Assert.Single(events);
        Assert.Equal(new ThingHappenedV2("old", 3, "items"), recorded.Data);
        Assert.Equal(1, recorded.SchemaVersion);
    }

    [Fact]
    public async Task A_missing_upcaster_is_reported_by_name_and_version()
    {
        var id = Guid.NewGuid();
        await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("old", 3)], Metadata.Test);
        var registry = new EventTypeRegistry().Register(typeof(ThingHappenedV2), "test.thing-happened", 2);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.CreateStore(registry).ReadStreamAsync(id).ToListAsync().AsTask());

        Assert.Contains("'test.thing-happened' from schema version 1 to 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_an_event_whose_type_is_not_registered_names_the_type()
    {
        var id = Guid.NewGuid();
        await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingRenamed("x")], Metadata.Test);
        var registry = new EventTypeRegistry().Register(typeof(ThingHappened), "test.thing-happened", 1);

        var error = await Assert.ThrowsAsync<UnknownEventTypeException>(() => db.CreateStore(registry).ReadStreamAsync(id).ToListAsync().AsTask());

        Assert.Equal("test.thing-renamed", error.EventType);
    }

    [Fact]
    public void A_wire_name_cannot_be_registered_twice()
    {
        var registry = new EventTypeRegistry().Register(typeof(ThingHappened), "test.thing-happened", 1);

        Assert.Throws<InvalidOperationException>(() => registry.Register(typeof(ThingRenamed), "test.thing-happened", 1));
    }
}
