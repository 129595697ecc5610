using Npgsql;
using Provenance.EventStore;
using Provenance.EventStore.Projections;
using Provenance.EventStore.Schema;
using Provenance.Testing;

namespace Provenance.EventStore.Tests;

/// <summary>Counts events per stream: a read model simple enough to check row for row.</summary>
public sealed class CountingProjection(string name, Func<RecordedEvent, bool>? failOn = null) : IProjection
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Tables { get; } = [TableFor(name)];

    public static string TableFor(string name) => "rm_counts_" + name;

    public static Migration Migration(int version, string name) =>
        new(version, "counts_" + name, $"CREATE TABLE {{schema}}.{TableFor(name)} (stream_id uuid PRIMARY KEY, events bigint NOT NULL, last_position bigint NOT NULL)");

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            if (failOn?.Invoke(e) == true)
            {
                throw new InvalidOperationException($"projection failed at position {e.Position}");
            }

            await using var command = context.Command(
                $"INSERT INTO {context.Schema}.{Tables[0]} (stream_id, events, last_position) VALUES (@id, 1, @position) " +
                $"ON CONFLICT (stream_id) DO UPDATE SET events = {Tables[0]}.events + 1, last_position = excluded.last_position");
            command.Parameters.Add(new NpgsqlParameter<Guid>("id", e.StreamId));
            command.Parameters.Add(new NpgsqlParameter<long>("position", e.Position));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

public sealed class ProjectionFixture : TestDatabase
{
    public NpgsqlDataSource App { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await MigrateAsync([CountingProjection.Migration(9101, "inline"), CountingProjection.Migration(9102, "async"), CountingProjection.Migration(9103, "fragile")]);
        App = NpgsqlDataSource.Create(AppConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await base.DisposeAsync();
    }

    public PostgresEventStore Store(params IProjection[] inline) =>
        new(App, new Serialization.EventSerializer(EventStoreFixture.NewRegistry(), EventStoreFixture.Json), Options, inline);

    public ProjectionRunner Runner(PostgresEventStore store) => new(App, store, Options);

    public async Task<List<(Guid Stream, long Events, long Last)>> RowsAsync(string name)
    {
        await using var command = App.CreateCommand($"SELECT stream_id, events, last_position FROM provenance.{CountingProjection.TableFor(name)} ORDER BY stream_id");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid, long, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return rows;
    }
}

public sealed class ProjectionTests(ProjectionFixture db) : IClassFixture<ProjectionFixture>
{
    private static readonly IReadOnlyList<object> TwoEvents = [new ThingHappened("a", 1), new ThingRenamed("b")];

    [Fact]
    public async Task An_inline_projection_is_updated_in_the_same_transaction_as_the_append()
    {
        var store = db.Store(new CountingProjection("inline"));
        var id = Guid.NewGuid();

        var result = await store.AppendAsync(id, "thing", ExpectedVersion.NoStream, TwoEvents, Metadata.Test);

        Assert.Contains((id, 2L, result.LastPosition), await db.RowsAsync("inline"));
        Assert.Equal(result.LastPosition, await db.Runner(store).GetCheckpointAsync("inline"));
    }

    [Fact]
    public async Task A_failing_inline_projection_fails_the_append_and_writes_nothing()
    {
        var store = db.Store(new CountingProjection("inline", failOn: e => e.Data is ThingRenamed { NewName: "poison" }));
        var head = await store.GetHeadPositionAsync();
        var id = Guid.NewGuid();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1), new ThingRenamed("poison")], Metadata.Test));

        Assert.Equal(head, await store.GetHeadPositionAsync());
        Assert.Null(await store.GetStreamAsync(id));
        Assert.DoesNotContain(await db.RowsAsync("inline"), r => r.Stream == id);
    }

    [Fact]
    public async Task An_async_projection_catches_up_in_batches_and_checkpoints_with_its_writes()
    {
        var store = db.Store();
        var runner = db.Runner(store);
        var projection = new CountingProjection("async");
        for (var i = 0; i < 30; i++)
        {
            await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, TwoEvents, Metadata.Test);
        }

        while (await runner.CatchUpOnceAsync(projection, batchSize: 7) > 0)
        {
        }

        Assert.Equal(await store.GetHeadPositionAsync(), await runner.GetCheckpointAsync("async"));
        Assert.Equal(await db.RowsAsync("async"), await RebuiltRowsAsync(runner, new CountingProjection("async")));
    }

    [Fact]
    public async Task Two_runners_of_one_projection_never_apply_an_event_twice()
    {
        var store = db.Store();
        var runner = db.Runner(store);
        var ids = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            await store.AppendAsync(id, "thing", ExpectedVersion.NoStream, TwoEvents, Metadata.Test);
        }

        var projection = new CountingProjection("async");
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (await runner.CatchUpOnceAsync(projection, batchSize: 5) > 0)
            {
            }
        })));

        var rows = await db.RowsAsync("async");
        Assert.All(ids, id => Assert.Contains((id, 2L), rows.Select(r => (r.Stream, r.Events))));
    }

    [Fact]
    public async Task A_failed_batch_leaves_neither_rows_nor_checkpoint_and_is_applied_on_the_next_run()
    {
        var store = db.Store();
        var runner = db.Runner(store);
        var poisonedAt = (await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, TwoEvents, Metadata.Test)).LastPosition;
        var failing = new CountingProjection("fragile", failOn: e => e.Position == poisonedAt);
        var before = await runner.GetCheckpointAsync("fragile");
        var rowsBefore = await db.RowsAsync("fragile");

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            while (await runner.CatchUpOnceAsync(failing, batchSize: 1_000_000) > 0)
            {
            }
        });

        Assert.Equal(before, await runner.GetCheckpointAsync("fragile"));
        Assert.Equal(rowsBefore, await db.RowsAsync("fragile"));
        while (await runner.CatchUpOnceAsync(new CountingProjection("fragile"), batchSize: 1_000_000) > 0)
        {
        }

        Assert.Equal(await store.GetHeadPositionAsync(), await runner.GetCheckpointAsync("fragile"));
    }

    [Fact]
    public async Task A_rebuilt_inline_projection_equals_the_incremental_one_row_for_row_even_with_appends_racing_it()
    {
        var projection = new CountingProjection("inline");
        var store = db.Store(projection);
        var runner = db.Runner(store);
        var shared = Guid.NewGuid();
        await store.AppendAsync(shared, "thing", ExpectedVersion.NoStream, TwoEvents, Metadata.Test);

        var appending = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await store.AppendAsync(i % 2 == 0 ? shared : Guid.NewGuid(), "thing", ExpectedVersion.Any, TwoEvents, Metadata.Test);
            }
        });
        await runner.RebuildAsync(projection, batchSize: 10);
        await appending;
        var incremental = await db.RowsAsync("inline");

        Assert.Equal(incremental, await RebuiltRowsAsync(runner, projection));
        Assert.Equal(await store.GetHeadPositionAsync(), await runner.GetCheckpointAsync("inline"));
    }

    [Fact]
    public async Task A_rebuild_failing_partway_keeps_the_previous_rows_and_checkpoint_and_reports_its_own_error()
    {
        // The rebuild reads a page ahead on a second connection (#22); a failure while applying a
        // page must surface as the projection's error, with that read ended and nothing committed.
        var store = db.Store();
        var runner = db.Runner(store);
        var appended = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            appended.Add((await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, TwoEvents, Metadata.Test)).LastPosition);
        }

        await runner.RebuildAsync(new CountingProjection("fragile"), batchSize: 5);
        var before = await runner.GetCheckpointAsync("fragile");
        var rowsBefore = await db.RowsAsync("fragile");
        await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, TwoEvents, Metadata.Test);

        var failing = new CountingProjection("fragile", failOn: e => e.Position == appended[6]);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RebuildAsync(failing, batchSize: 5));

        Assert.Contains($"position {appended[6]}", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await runner.GetCheckpointAsync("fragile"));
        Assert.Equal(rowsBefore, await db.RowsAsync("fragile"));
        await runner.RebuildAsync(new CountingProjection("fragile"), batchSize: 5);
        Assert.Equal(await store.GetHeadPositionAsync(), await runner.GetCheckpointAsync("fragile"));
        Assert.Equal(rowsBefore.Count + 1, (await db.RowsAsync("fragile")).Count);
    }

    private async Task<List<(Guid Stream, long Events, long Last)>> RebuiltRowsAsync(ProjectionRunner runner, CountingProjection projection)
    {
        await runner.RebuildAsync(projection, batchSize: 13);
        return await db.RowsAsync(projection.Name);
    }
}

public sealed class AsyncRebuildTests(ProjectionFixture db) : IClassFixture<ProjectionFixture>
{
    [Fact]
    public async Task Rebuilding_an_async_projection_while_a_runner_catches_up_neither_deadlocks_nor_doubles()
    {
        var store = db.Store();
        var runner = db.Runner(store);
        var projection = new CountingProjection("async");
        for (var i = 0; i < 60; i++)
        {
            await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("a", i), new ThingRenamed("b")], Metadata.Test);
        }

        var catchingUp = Task.Run(async () =>
        {
            for (var round = 0; round < 200 && await runner.CatchUpOnceAsync(projection, batchSize: 3) >= 0; round++)
            {
            }
        });
        await runner.RebuildAsync(projection, batchSize: 7);
        await catchingUp;
        while (await runner.CatchUpOnceAsync(projection) > 0)
        {
        }

        var rows = await db.RowsAsync("async");
        Assert.All(rows, r => Assert.Equal(2, r.Events));
        Assert.Equal(await store.GetHeadPositionAsync(), await runner.GetCheckpointAsync("async"));
    }
}
