using Provenance.EventStore;

namespace Provenance.EventStore.Tests;

public sealed class AppendingTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    private readonly PostgresEventStore _store = db.Store;

    [Fact]
    public async Task Appending_to_a_new_stream_numbers_events_from_version_one()
    {
        var id = Guid.NewGuid();

        var result = await _store.AppendAsync(id, "thing", ExpectedVersion.NoStream,
            [new ThingHappened("a", 1), new ThingRenamed("b")], Metadata.Test);

        Assert.Equal(2, result.StreamVersion);
        Assert.Equal(result.FirstPosition + 1, result.LastPosition);
        Assert.False(result.Replayed);
        var events = await _store.ReadStreamAsync(id).ToListAsync();
        Assert.Equal([1L, 2L], events.Select(e => e.StreamVersion));
        Assert.Equal([result.FirstPosition, result.LastPosition], events.Select(e => e.Position));
        Assert.Equal(new ThingHappened("a", 1), events[0].Data);
        Assert.Equal("test.thing-happened", events[0].EventType);
        Assert.Equal(Metadata.Test, events[0].Metadata);
        Assert.Equal(7, events[0].EventId.Version);
    }

    [Fact]
    public async Task Appending_with_a_stale_version_is_rejected_with_the_current_version()
    {
        var id = Guid.NewGuid();
        await _store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1), new ThingHappened("b", 2)], Metadata.Test);
        var before = await db.CountEventsAsync();

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            _store.AppendAsync(id, "thing", ExpectedVersion.Exactly(1), [new ThingRenamed("c")], Metadata.Test));

        Assert.Equal(id, conflict.StreamId);
        Assert.Equal(2, conflict.CurrentVersion);
        Assert.Equal(ExpectedVersion.Exactly(1), conflict.Expected);
        Assert.Equal(before, await db.CountEventsAsync());
    }

    [Fact]
    public async Task Appending_as_a_new_stream_to_an_existing_one_is_a_conflict()
    {
        var id = Guid.NewGuid();
        await _store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)], Metadata.Test);

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            _store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("b", 1)], Metadata.Test));

        Assert.Equal(1, conflict.CurrentVersion);
    }

    [Fact]
    public async Task Expecting_an_exact_version_of_a_missing_stream_is_a_conflict_and_leaves_no_stream()
    {
        var id = Guid.NewGuid();

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            _store.AppendAsync(id, "thing", ExpectedVersion.Exactly(3), [new ThingHappened("a", 1)], Metadata.Test));

        Assert.Equal(0, conflict.CurrentVersion);
        Assert.Null(await _store.GetStreamAsync(id));
    }

    [Fact]
    public async Task Appending_with_any_version_appends_to_new_and_existing_streams()
    {
        var id = Guid.NewGuid();
        await _store.AppendAsync(id, "thing", ExpectedVersion.Any, [new ThingHappened("a", 1)], Metadata.Test);
        var second = await _store.AppendAsync(id, "thing", ExpectedVersion.Any, [new ThingRenamed("b")], Metadata.Test);

        Assert.Equal(2, second.StreamVersion);
        var stream = await _store.GetStreamAsync(id);
        Assert.Equal(new { Type = "thing", Version = 2L }, new { Type = stream!.StreamType, stream.Version });
    }

    [Fact]
    public async Task Appending_to_a_stream_of_another_type_is_rejected()
    {
        var id = Guid.NewGuid();
        await _store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)], Metadata.Test);

        await Assert.ThrowsAsync<StreamTypeMismatchException>(() =>
            _store.AppendAsync(id, "other", ExpectedVersion.Any, [new ThingHappened("b", 1)], Metadata.Test));

        Assert.Equal(1, (await _store.GetStreamAsync(id))!.Version);
    }

    [Fact]
    public async Task An_unregistered_event_type_is_refused_before_anything_is_written()
    {
        var before = await db.CountEventsAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.Any, [new ThingHappened("a", 1), "not an event"], Metadata.Test));

        Assert.Equal(before, await db.CountEventsAsync());
    }

    [Fact]
    public async Task Concurrent_writers_expecting_the_same_version_produce_exactly_one_winner()
    {
        var id = Guid.NewGuid();
        await _store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("seed", 0)], Metadata.Test);

        var attempts = Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await _store.AppendAsync(id, "thing", ExpectedVersion.Exactly(1), [new ThingHappened("writer", i)], Metadata.Test);
                return true;
            }
            catch (StreamVersionConflictException e)
            {
                Assert.Equal(2, e.CurrentVersion);
                return false;
            }
        });
        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, won => won);
        var events = await _store.ReadStreamAsync(id).ToListAsync();
        Assert.Equal([1L, 2L], events.Select(e => e.StreamVersion));
    }

    [Fact]
    public async Task Racing_writers_that_retry_on_conflict_fill_every_version_exactly_once()
    {
        var id = Guid.NewGuid();
        await _store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("seed", 0)], Metadata.Test);
        const int writers = 8;
        const int appendsEach = 10;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            for (var n = 0; n < appendsEach; n++)
            {
                while (true)
                {
                    var version = (await _store.GetStreamAsync(id))!.Version;
                    try
                    {
                        await _store.AppendAsync(id, "thing", ExpectedVersion.Exactly(version), [new ThingHappened($"w{w}", n)], Metadata.Test);
                        break;
                    }
                    catch (StreamVersionConflictException)
                    {
                    }
                }
            }
        }));

        var events = await _store.ReadStreamAsync(id).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 1 + writers * appendsEach).Select(v => (long)v), events.Select(e => e.StreamVersion));
        Assert.Equal(writers * appendsEach, events.Skip(1).Select(e => (ThingHappened)e.Data).Distinct().Count());
    }
}
