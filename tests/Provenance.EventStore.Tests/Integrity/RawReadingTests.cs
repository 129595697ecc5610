namespace Provenance.EventStore.Tests.Integrity;

/// <summary>Raw reads give events exactly as stored: what the Merkle tree and exports are built from.</summary>
public sealed class RawReadingTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task The_log_reads_raw_page_by_page_in_position_order_up_to_the_count_asked()
    {
        var store = db.CreateStore(pageSize: 4);
        var start = await store.GetHeadPositionAsync();
        await TreeTesting.AppendAsync(store, 11, perAppend: 3);

        var all = await store.ReadAllRawAsync(start, int.MaxValue).ToListAsync();
        var some = await store.ReadAllRawAsync(start + 2, 5).ToListAsync();

        Assert.Equal(Enumerable.Range(1, 11).Select(i => start + i), all.Select(e => e.Position));
        Assert.Equal(Enumerable.Range(3, 5).Select(i => start + i), some.Select(e => e.Position));
        Assert.Empty(await store.ReadAllRawAsync(start, 0).ToListAsync());
    }

    [Fact]
    public async Task A_raw_event_holds_the_stored_envelope_and_json_without_upcasting()
    {
        var id = Guid.NewGuid();
        var appended = await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("as stored", 7), new ThingRenamed("later")], Metadata.Test);

        var raw = await db.Store.ReadRawEventAsync(appended.FirstPosition);
        var stream = await db.Store.ReadStreamRawAsync(id).ToListAsync();

        Assert.NotNull(raw);
        Assert.Equal(id, raw.StreamId);
        Assert.Equal(1, raw.StreamVersion);
        Assert.Equal("test.thing-happened", raw.Type);
        Assert.Equal(1, raw.SchemaVersion);
        Assert.Equal("""{"name": "as stored", "count": 7}""", raw.DataJson);
        Assert.Contains("\"actorId\": \"tester\"", raw.MetadataJson, StringComparison.Ordinal);
        Assert.Equal(appended.RecordedAt, raw.RecordedAt);
        Assert.Equal([raw, stream[1] with { }], stream);
        Assert.Equal("test.thing-renamed", stream[1].Type);
        Assert.Null(await db.Store.ReadRawEventAsync(appended.LastPosition + 1000));
    }
}
