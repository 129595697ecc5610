using Npgsql;
using Provenance.EventStore;
using Provenance.EventStore.Projections;
using Provenance.EventStore.Schema;
using Provenance.Testing;

namespace Provenance.EventStore.Tests;

/// <summary>
/// Keeps the renames only: one row per rename, and after each page a row counting the renames
/// written so far, so a test can see that a write runs after every row queued before it.
/// </summary>
public sealed class RenamesProjection : IProjection
{
    public string Name => "renames";

    public IReadOnlyList<string> Tables { get; } = ["rm_renames", "rm_rename_counts"];

    public IReadOnlyCollection<Type> EventTypes { get; } = [typeof(ThingRenamed)];

    public static Migration Migration { get; } = new(9201, "renames",
        "CREATE TABLE {schema}.rm_renames (position bigint PRIMARY KEY, stream_id uuid NOT NULL, new_name text NOT NULL); " +
        "CREATE TABLE {schema}.rm_rename_counts (after_position bigint PRIMARY KEY, renames bigint NOT NULL)");

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            var renamed = Assert.IsType<ThingRenamed>(e.Data);
            context.Insert("rm_renames", e.Position, e.StreamId, renamed.NewName);
        }

        context.Write($"INSERT INTO {context.Schema}.rm_rename_counts SELECT $1, count(*) FROM {context.Schema}.rm_renames", events[^1].Position);
        return Task.CompletedTask;
    }
}

public sealed class ProjectionReadingFixture : TestDatabase
{
    public NpgsqlDataSource App { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await MigrateAsync([RenamesProjection.Migration]);
        App = NpgsqlDataSource.Create(AppConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await base.DisposeAsync();
    }

    public PostgresEventStore Store(params IProjection[] inline) =>
        new(App, new Serialization.EventSerializer(EventStoreFixture.NewRegistry(), EventStoreFixture.Json), Options, inline);

    public async Task<List<(long Position, string Name)>> RenamesAsync()
    {
        await using var command = App.CreateCommand("SELECT position, new_name FROM provenance.rm_renames ORDER BY position");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return rows;
    }

    public async Task<List<(long After, long Renames)>> CountsAsync()
    {
        await using var command = App.CreateCommand("SELECT after_position, renames FROM provenance.rm_rename_counts ORDER BY after_position");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }

        return rows;
    }
}

public sealed class ProjectionReadingTests(ProjectionReadingFixture db) : IClassFixture<ProjectionReadingFixture>
{
    [Fact]
    public async Task A_projection_reads_only_its_event_types_and_its_checkpoint_passes_over_the_others()
    {
        var store = db.Store();
        var runner = new ProjectionRunner(db.App, store, db.Options);
        var projection = new RenamesProjection();
        await runner.RebuildAsync(projection);
        var expected = new List<(long, string)>();
        for (var i = 0; i < 9; i++)
        {
            var result = await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream,
                [new ThingHappened("a", i), new ThingHappened("b", i), new ThingRenamed($"renamed-{i}")], Metadata.Test);
            expected.Add((result.LastPosition, $"renamed-{i}"));
        }

        // A trailing event of another type: the checkpoint must pass over it too.
        await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("tail", 0)], Metadata.Test);
        var head = await store.GetHeadPositionAsync();

        // Pages of 4 renames: full pages stop at their last rename, the last page reaches the head.
        var applied = new List<int>();
        int count;
        while ((count = await runner.CatchUpOnceAsync(projection, batchSize: 4)) > 0)
        {
            applied.Add(count);
        }

        Assert.Equal([4, 4, 1], applied);
        Assert.Equal(head, await runner.GetCheckpointAsync("renames"));
        Assert.Equal(expected, await db.RenamesAsync());
        // Each page's count row ran after that page's rows: 4, then 8, then 9 renames.
        Assert.Equal([(expected[3].Item1, 4L), (expected[7].Item1, 8L), (expected[8].Item1, 9L)], await db.CountsAsync());

        Assert.Equal(0, await runner.CatchUpOnceAsync(projection, batchSize: 4));
        Assert.Equal(9, await runner.RebuildAsync(projection, batchSize: 4));
        Assert.Equal(head, await runner.GetCheckpointAsync("renames"));
        Assert.Equal(expected, await db.RenamesAsync());
    }

    [Fact]
    public async Task A_row_with_a_null_or_a_different_width_is_refused_when_queued()
    {
        await using var connection = new NpgsqlConnection();
        await using var context = new ProjectionContext(connection, null, "\"provenance\"");
        context.Insert("rm_renames", 1L, Guid.NewGuid(), "a");

        Assert.Throws<ArgumentException>(() => context.Insert("rm_renames", 2L, Guid.NewGuid()));
        Assert.Throws<ArgumentException>(() => context.Insert("rm_renames", 3L, null!, "c"));
    }
}

/// <summary>On a database of its own: its appends would change the other class's exact expectations.</summary>
public sealed class InlineProjectionReadingTests(ProjectionReadingFixture db) : IClassFixture<ProjectionReadingFixture>
{
    [Fact]
    public async Task An_inline_projection_of_some_types_moves_its_checkpoint_with_every_append()
    {
        var store = db.Store(new RenamesProjection());
        var runner = new ProjectionRunner(db.App, store, db.Options);
        await runner.RebuildAsync(store.InlineProjections[0]);

        var renamed = await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingRenamed("inline")], Metadata.Test);
        var other = await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("other", 1)], Metadata.Test);

        Assert.Equal(other.LastPosition, await runner.GetCheckpointAsync("renames"));
        Assert.Contains((renamed.LastPosition, "inline"), await db.RenamesAsync());
    }
}
