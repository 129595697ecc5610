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
    public async Task Stream_versions_at_a_position_count_only_the_events_at_or_below_it()
    {
        var (a, b, unknown) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var first = await db.Store.AppendAsync(a, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1), new ThingRenamed("a2")], Metadata.Test);
        var second = await db.Store.AppendAsync(b, "thing", ExpectedVersion.NoStream, [new ThingHappened("b", 1)], Metadata.Test);
        var third = await db.Store.AppendAsync(a, "thing", ExpectedVersion.Exactly(2), [new ThingRenamed("a3")], Metadata.Test);

        var atFirst = await db.Store.GetStreamVersionsAsync([a, b, unknown], first.LastPosition);
        var atSecond = await db.Store.GetStreamVersionsAsync([a, b, unknown], second.LastPosition);
        var atThird = await db.Store.GetStreamVersionsAsync([a, b, unknown], third.LastPosition);

        Assert.Equal(new Dictionary<Guid, long> { [a] = 2 }, atFirst);
        Assert.Equal(new Dictionary<Guid, long> { [a] = 2, [b] = 1 }, atSecond);
        Assert.Equal(new Dictionary<Guid, long> { [a] = 3, [b] = 1 }, atThird);
    }

    [Fact]
    public async Task An_unknown_stream_has_no_header_and_no_events()
    {
        var id = Guid.NewGuid();

        Assert.Null(await db.Store.GetStreamAsync(id));
        Assert.Empty(await db.Store.ReadStreamAsync(id).ToListAsync());
    }
}
