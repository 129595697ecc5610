using Npgsql;
using Provenance.EventStore;
using Provenance.EventStore.Appending;
using Provenance.EventStore.Serialization;

using Provenance.Testing;

namespace Provenance.EventStore.Tests;

/// <summary>
/// Group commit: appends that wait while a transaction is in flight share the next one, and each
/// keeps its own outcome. The tests hold the log head's row lock from another session, so that a
/// first append stays in flight while the others queue up behind it: what follows is deterministic.
/// </summary>
public sealed class GroupCommitTests(ProjectionFixture db) : IClassFixture<ProjectionFixture>
{
    private static readonly EventMetadata Meta = Metadata.Test;

    [Fact]
    public async Task Appends_waiting_behind_a_transaction_share_the_next_one_at_consecutive_positions()
    {
        var store = db.Store();
        await using var hold = await LogHeadHold.TakeAsync(db);
        var first = store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("first", 0)], Meta);
        await hold.WaitUntilBlockedAsync();

        var streams = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        var queued = streams.Select((id, i) =>
            store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("queued", i), new ThingRenamed("r" + i)], Meta)).ToList();
        await hold.ReleaseAsync();
        var firstResult = await first;
        var results = await Task.WhenAll(queued);

        // One transaction for the first append, one for the forty behind it.
        Assert.Equal(new AppendStatistics(2, 41, 81), store.Statistics);
        // Queue order is log order: consecutive, gapless positions after the first append's.
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(firstResult.LastPosition + 1 + (2 * i), results[i].FirstPosition);
            Assert.Equal(results[i].FirstPosition + 1, results[i].LastPosition);
            Assert.Equal(2, results[i].StreamVersion);
            Assert.Equal(streams[i], results[i].StreamId);
        }

        // Every event of a transaction was recorded at the same instant, never before the one before it.
        var written = await store.ReadAllAsync(firstResult.LastPosition - 1).ToListAsync();
        Assert.Equal(81, written.Count);
        Assert.Single(written.Skip(1).Select(e => e.RecordedAt).Distinct());
        Assert.True(written[0].RecordedAt <= written[1].RecordedAt);
    }

    [Fact]
    public async Task Without_group_commit_every_append_is_its_own_transaction()
    {
        var store = new PostgresEventStore(db.App, new EventSerializer(EventStoreFixture.NewRegistry(), EventStoreFixture.Json),
            new EventStoreOptions { GroupCommit = false });

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("alone", i)], Meta)));

        Assert.Equal(new AppendStatistics(10, 10, 10), store.Statistics);
    }

    [Fact]
    public async Task Each_append_in_a_shared_transaction_keeps_its_own_outcome_and_a_refused_one_writes_nothing()
    {
        var store = db.Store();
        var existing = Guid.NewGuid();
        var other = Guid.NewGuid();
        await store.AppendAsync(existing, "thing", ExpectedVersion.NoStream, [new ThingHappened("existing", 1)], Meta);
        await store.AppendAsync(other, "other", ExpectedVersion.NoStream, [new ThingHappened("other", 1)], Meta);
        var usedKey = "gc-used-" + Guid.NewGuid();
        var original = await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("keyed", 1)], Meta,
            new IdempotencyToken(usedKey, [1, 2, 3]));
        var before = await db.CountEventsAsync();
        var transactionsBefore = store.Statistics.Transactions;

        await using var hold = await LogHeadHold.TakeAsync(db);
        var blocker = store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("blocker", 0)], Meta);
        await hold.WaitUntilBlockedAsync();
        var missing = Guid.NewGuid();
        var good1 = store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("good", 1)], Meta);
        var stale = store.AppendAsync(existing, "thing", ExpectedVersion.Exactly(5), [new ThingRenamed("stale")], Meta);
        var wrongType = store.AppendAsync(other, "thing", ExpectedVersion.Any, [new ThingRenamed("wrong type")], Meta);
        var exactOfMissing = store.AppendAsync(missing, "thing", ExpectedVersion.Exactly(3), [new ThingRenamed("missing")], Meta);
        var replay = store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("keyed", 1)], Meta,
            new IdempotencyToken(usedKey, [1, 2, 3]));
        var reused = store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("another request", 1)], Meta,
            new IdempotencyToken(usedKey, [7, 7, 7]));
        var good2 = store.AppendAsync(existing, "thing", ExpectedVersion.Exactly(1), [new ThingRenamed("good")], Meta);
        await hold.ReleaseAsync();
        await blocker;

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() => stale);
        Assert.Equal(1, conflict.CurrentVersion);
        await Assert.ThrowsAsync<StreamTypeMismatchException>(() => wrongType);
        var missingConflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() => exactOfMissing);
        Assert.Equal(0, missingConflict.CurrentVersion);
        var replayed = await replay;
        Assert.True(replayed.Replayed);
        Assert.Equal((original.StreamId, original.FirstPosition), (replayed.StreamId, replayed.FirstPosition));
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => reused);
        var first = await good1;
        var second = await good2;
        Assert.Equal(first.LastPosition + 1, second.FirstPosition);
        Assert.Equal(2, second.StreamVersion);

        // Three transactions: the blocker's; the first five of the queue; and, since a batch holds one
        // append per stream and per key, the second use of the key and the second append to `existing`.
        Assert.Equal(transactionsBefore + 3, store.Statistics.Transactions);
        Assert.Equal(before + 3, await db.CountEventsAsync());
        // The refused append to a missing stream left no stream row behind: the stream can still be created, even with another type.
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM provenance.streams WHERE id = '{missing}'"));
        await store.AppendAsync(missing, "other", ExpectedVersion.NoStream, [new ThingHappened("created later", 1)], Meta);
    }

    [Fact]
    public async Task An_append_that_breaks_its_shared_transaction_fails_alone_and_the_others_are_written()
    {
        var store = db.Store(new CountingProjection("fragile", failOn: e => e.Data is ThingRenamed { NewName: "poison" }));
        await using var hold = await LogHeadHold.TakeAsync(db);
        var blocker = store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("blocker", 0)], Meta);
        await hold.WaitUntilBlockedAsync();
        var (before, poisoned) = (Guid.NewGuid(), Guid.NewGuid());
        var after = Guid.NewGuid();
        var good1 = store.AppendAsync(before, "thing", ExpectedVersion.NoStream, [new ThingHappened("before", 1)], Meta);
        var bad = store.AppendAsync(poisoned, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1), new ThingRenamed("poison")], Meta);
        var good2 = store.AppendAsync(after, "thing", ExpectedVersion.NoStream, [new ThingHappened("after", 1)], Meta);
        await hold.ReleaseAsync();
        await blocker;

        await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        var (r1, r2) = (await good1, await good2);
        Assert.Equal(r1.LastPosition + 1, r2.FirstPosition);
        Assert.Null(await store.GetStreamAsync(poisoned));
        var rows = await db.RowsAsync("fragile");
        Assert.Contains(rows, r => r.Stream == before);
        Assert.Contains(rows, r => r.Stream == after);
        Assert.DoesNotContain(rows, r => r.Stream == poisoned);
        Assert.Equal(r2.LastPosition, await store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task Two_appends_to_one_stream_or_with_one_key_never_share_a_transaction_and_are_judged_in_order()
    {
        var store = db.Store();
        await using var hold = await LogHeadHold.TakeAsync(db);
        var blocker = store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("blocker", 0)], Meta);
        await hold.WaitUntilBlockedAsync();
        var (created, appended, keyed) = (Guid.NewGuid(), Guid.NewGuid(), "gc-twice-" + Guid.NewGuid());
        var create1 = store.AppendAsync(created, "thing", ExpectedVersion.NoStream, [new ThingHappened("one", 1)], Meta);
        var create2 = store.AppendAsync(created, "thing", ExpectedVersion.NoStream, [new ThingHappened("two", 2)], Meta);
        var any1 = store.AppendAsync(appended, "thing", ExpectedVersion.Any, [new ThingHappened("one", 1)], Meta);
        var any2 = store.AppendAsync(appended, "thing", ExpectedVersion.Any, [new ThingRenamed("two")], Meta);
        var token = new IdempotencyToken(keyed, [4, 2]);
        var retry1 = store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("keyed", 1)], Meta, token);
        var retry2 = store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("keyed", 1)], Meta, token);
        await hold.ReleaseAsync();
        await blocker;

        Assert.Equal(1, (await create1).StreamVersion);
        await Assert.ThrowsAsync<StreamVersionConflictException>(() => create2);
        Assert.Equal(1, (await any1).StreamVersion);
        Assert.Equal(2, (await any2).StreamVersion);
        Assert.Equal(["test.thing-happened", "test.thing-renamed"], (await store.ReadStreamAsync(appended).ToListAsync()).Select(e => e.EventType));
        var (first, second) = (await retry1, await retry2);
        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal((first.StreamId, first.FirstPosition, first.LastPosition), (second.StreamId, second.FirstPosition, second.LastPosition));
    }

    [Fact]
    public async Task An_append_canceled_while_it_waits_is_never_written()
    {
        var store = db.Store();
        await using var hold = await LogHeadHold.TakeAsync(db);
        var blocker = store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("blocker", 0)], Meta);
        await hold.WaitUntilBlockedAsync();
        using var cancel = new CancellationTokenSource();
        var id = Guid.NewGuid();
        var waiting = store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("canceled", 1)], Meta, cancellationToken: cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await hold.ReleaseAsync();
        await blocker;

        Assert.Null(await store.GetStreamAsync(id));
        Assert.Equal(new AppendStatistics(1, 1, 1), store.Statistics);
    }

    [Fact]
    public async Task Two_stores_on_one_database_group_commit_side_by_side_without_deadlock_or_gap()
    {
        // Two service instances: each groups its own appends; the log head orders the two.
        var (left, right) = (db.Store(), db.Store());
        var shared = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var head = await left.GetHeadPositionAsync();

        var writes = Enumerable.Range(0, 400).Select(i =>
            (i % 2 == 0 ? left : right).AppendAsync(
                i % 5 == 0 ? shared[i % shared.Length] : Guid.NewGuid(), "thing", ExpectedVersion.Any, [new ThingHappened("w", i)], Meta,
                new IdempotencyToken($"gc-two-stores-{head}-{i % 300}", [(byte)(i % 300 % 256), (byte)(i % 300 / 256)])));
        var results = await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(60));

        // 300 distinct keys: the 100 repeats are replays of the first use, not new events.
        Assert.Equal(300, results.Count(r => !r.Replayed));
        var log = await left.ReadAllAsync(head).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 300).Select(p => head + p), log.Select(e => e.Position));
        foreach (var stream in log.GroupBy(e => e.StreamId))
        {
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.StreamVersion));
        }

        Assert.True(left.Statistics.Transactions + right.Statistics.Transactions <= 300);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = db.App.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The log head's row lock, held by another session until released.</summary>
    private sealed class LogHeadHold : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly string _admin;
        private readonly string _database;
        private NpgsqlTransaction? _transaction;

        private LogHeadHold(NpgsqlConnection connection, NpgsqlTransaction transaction, string admin, string database)
        {
            _connection = connection;
            _transaction = transaction;
            _admin = admin;
            _database = database;
        }

        public static async Task<LogHeadHold> TakeAsync(ProjectionFixture db)
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.AdminConnectionString) { Database = db.Name }.ConnectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand("SELECT position FROM provenance.log_head FOR UPDATE", connection, transaction);
            await command.ExecuteScalarAsync();
            return new LogHeadHold(connection, transaction, db.AdminConnectionString, db.Name);
        }

        /// <summary>Returns once a session of the database waits for a lock (the first append's transaction).</summary>
        public async Task WaitUntilBlockedAsync()
        {
            await using var monitor = new NpgsqlConnection(_admin);
            await monitor.OpenAsync();
            await Eventually.HoldsAsync(async () =>
            {
                await using var command = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = @db AND wait_event_type = 'Lock'", monitor);
                command.Parameters.AddWithValue("db", _database);
                return (long)(await command.ExecuteScalarAsync())! > 0;
            }, "an append waits on the log head", TimeSpan.FromSeconds(5));
        }

        public async Task ReleaseAsync()
        {
            if (_transaction is not null)
            {
                await _transaction.CommitAsync();
                await _transaction.DisposeAsync();
                _transaction = null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await ReleaseAsync();
            await _connection.DisposeAsync();
        }
    }
}
