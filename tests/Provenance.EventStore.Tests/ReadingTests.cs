using Provenance.EventStore;

namespace Provenance.EventStore.Tests;

public sealed class ReadingTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task A_stream_can_be_read_up_to_a_version()
    {
        var id = Guid.NewGuid();
        await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream,
            [new ThingHappened("a", 1), new ThingRenamed("b"), new ThingRenamed("c")], Metadata.Test);

        var events = await db.Store.ReadStreamAsync(id, toVersion: 2).ToListAsync();

        Assert.Equal([new ThingHappened("a", 1), new ThingRenamed("b")], events.Select(e => e.Data));
    }

    [Fact]
    public async Task A_stream_read_as_of_an_instant_ignores_events_recorded_after_it()
    {
        var id = Guid.NewGuid();
        var first = await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)], Metadata.Test);
        var second = await db.Store.AppendAsync(id, "thing", ExpectedVersion.Exactly(1), [new ThingRenamed("b")], Metadata.Test);
        Assert.True(second.RecordedAt >= first.RecordedAt);

        var asOfFirst = await db.Store.ReadStreamAsync(id, asOf: first.RecordedAt).ToListAsync();
        var beforeAnything = await db.Store.ReadStreamAsync(id, asOf: first.RecordedAt.AddTicks(-10)).ToListAsync();

        Assert.Equal(second.RecordedAt > first.RecordedAt ? 1 : 2, asOfFirst.Count);
        Assert.Empty(beforeAnything);
    }

    [Fact]
    public async Task The_whole_log_streams_page_by_page_in_position_order()
    {
        var store = db.CreateStore(pageSize: 7);
        var start = await store.GetHeadPositionAsync();
        for (var i = 0; i < 25; i++)
        {
            await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("p", i), new ThingRenamed($"r{i}")], Metadata.Test);
        }

        var all = await store.ReadAllAsync(afterPosition: start).ToListAsync();
        var firstTen = await store.ReadAllAsync(afterPosition: start, maxCount: 10).ToListAsync();

        Assert.Equal(Enumerable.Range(1, 50).Select(i => start + i), all.Select(e => e.Position));
        Assert.Equal(all.Take(10).Select(e => e.EventId), firstTen.Select(e => e.EventId));
        Assert.Equal(start + 50, await store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task An_unknown_stream_has_no_header_and_no_events()
    {
        var id = Guid.NewGuid();

        Assert.Null(await db.Store.GetStreamAsync(id));
        Assert.Empty(await db.Store.ReadStreamAsync(id).ToListAsync());
    }
}
