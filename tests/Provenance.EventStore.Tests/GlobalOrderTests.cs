using System.Collections.Concurrent;
using Provenance.EventStore;

namespace Provenance.EventStore.Tests;

/// <summary>
/// The log's positions are gapless and never arrive late: a reader that has seen position N never
/// later sees a new event below N. This is what Marten's async daemon gets wrong under load
/// (JasperFx/marten 3503, 3321, 4952, 5108); here it holds by construction.
/// </summary>
public sealed class GlobalOrderTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task A_tailing_reader_sees_every_position_exactly_once_and_in_order_under_concurrent_writers()
    {
        const int writers = 24;
        const int appendsPerWriter = 40;
        var store = db.CreateStore(pageSize: 50);
        var start = await store.GetHeadPositionAsync();
        var written = new ConcurrentBag<long>();
        using var writing = new CancellationTokenSource();

        var writerTasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var n = 0; n < appendsPerWriter; n++)
            {
                // Some appends are batches, some streams are shared: contention on both locks.
                var streamId = n % 4 == 0 ? SharedStream(w % 3) : Guid.NewGuid();
                IReadOnlyList<object> events = n % 3 == 0
                    ? [new ThingHappened($"w{w}", n), new ThingRenamed($"w{w}-{n}")]
                    : [new ThingHappened($"w{w}", n)];
                var result = await store.AppendAsync(streamId, "thing", ExpectedVersion.Any, events, Metadata.Test);
                for (var p = result.FirstPosition; p <= result.LastPosition; p++)
                {
                    written.Add(p);
                }
            }
        })).ToList();

        var seen = new List<long>();
        var reader = Task.Run(async () =>
        {
            var last = start;
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (DateTime.UtcNow < deadline)
            {
                var writersDone = writerTasks.All(t => t.IsCompleted);
                await foreach (var e in store.ReadAllAsync(afterPosition: last))
                {
                    Assert.Equal(last + 1, e.Position);
                    last = e.Position;
                    seen.Add(e.Position);
                }

                if (writersDone)
                {
                    return;
                }
            }

            throw new TimeoutException("The tailing reader did not catch up with the writers.");
        });

        await Task.WhenAll(writerTasks);
        await reader;

        var expected = written.Order().ToList();
        Assert.Equal(writers * appendsPerWriter + (writers * ((appendsPerWriter + 2) / 3)), expected.Count);
        Assert.Equal(Enumerable.Range(1, expected.Count).Select(i => start + i), expected);
        Assert.Equal(expected, seen);
    }

    private static readonly Guid[] SharedStreams = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];

    private static Guid SharedStream(int i) => SharedStreams[i];
}
