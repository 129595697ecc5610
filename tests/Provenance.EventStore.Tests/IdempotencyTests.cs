using System.Security.Cryptography;
using System.Text;
using Provenance.EventStore;
using Provenance.EventStore.Appending;

namespace Provenance.EventStore.Tests;

public sealed class IdempotencyTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    private static IdempotencyToken Token(string key, string body) => new(key, SHA256.HashData(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public async Task A_retry_with_the_same_key_and_request_returns_the_first_result_and_writes_nothing()
    {
        var key = Guid.NewGuid().ToString();
        var id = Guid.NewGuid();
        var first = await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)], Metadata.Test, Token(key, "body"));
        var before = await db.CountEventsAsync();

        // The retry would conflict on its own (the stream exists now); the key answers first.
        var retry = await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)], Metadata.Test, Token(key, "body"));

        Assert.True(retry.Replayed);
        Assert.Equal(first with { Replayed = true }, retry);
        Assert.Equal(before, await db.CountEventsAsync());
    }

    [Fact]
    public async Task The_same_key_with_a_different_request_is_refused()
    {
        var key = Guid.NewGuid().ToString();
        await db.Store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)], Metadata.Test, Token(key, "body"));
        var before = await db.CountEventsAsync();

        var error = await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            db.Store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("b", 2)], Metadata.Test, Token(key, "other body")));

        Assert.Equal(key, error.Key);
        Assert.Equal(before, await db.CountEventsAsync());
    }

    [Fact]
    public async Task Concurrent_retries_of_one_request_write_exactly_once()
    {
        var key = Guid.NewGuid().ToString();
        var id = Guid.NewGuid();
        var before = await db.CountEventsAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
            db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("once", 1)], Metadata.Test, Token(key, "body")))));

        Assert.Equal(before + 1, await db.CountEventsAsync());
        Assert.Single(results, r => !r.Replayed);
        Assert.Single(results.Select(r => r with { Replayed = false }).Distinct());
    }

    [Fact]
    public async Task A_used_key_can_be_looked_up_with_its_result()
    {
        var key = Guid.NewGuid().ToString();
        var token = Token(key, "body");
        var result = await db.Store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)], Metadata.Test, token);

        var found = await db.Store.FindIdempotencyKeyAsync(key);

        Assert.NotNull(found);
        Assert.Equal(token.RequestHash, found.RequestHash);
        Assert.Equal(result with { Replayed = true }, found.Result);
        Assert.Null(await db.Store.FindIdempotencyKeyAsync("never-used-" + key));
    }

    [Fact]
    public async Task A_rejected_append_does_not_use_up_its_key()
    {
        var key = Guid.NewGuid().ToString();
        var id = Guid.NewGuid();
        await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)], Metadata.Test);

        await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            db.Store.AppendAsync(id, "thing", ExpectedVersion.Exactly(5), [new ThingRenamed("b")], Metadata.Test, Token(key, "body")));
        var corrected = await db.Store.AppendAsync(id, "thing", ExpectedVersion.Exactly(1), [new ThingRenamed("b")], Metadata.Test, Token(key, "body"));

        Assert.False(corrected.Replayed);
        Assert.Equal(2, corrected.StreamVersion);
    }

    [Fact]
    public async Task The_key_is_recorded_in_the_event_metadata()
    {
        var key = Guid.NewGuid().ToString();
        var id = Guid.NewGuid();
        await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)], Metadata.Test, Token(key, "body"));

        var recorded = Assert.Single(await db.Store.ReadStreamAsync(id).ToListAsync());

        Assert.Equal(key, recorded.Metadata.IdempotencyKey);
    }
}

public sealed class IdempotentResourceTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task A_replay_returns_the_resource_the_first_append_named()
    {
        var key = Guid.NewGuid().ToString();
        var token = new Appending.IdempotencyToken(key, [9, 9, 9]);
        var id = Guid.NewGuid();
        var first = await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)], Metadata.Test, token, resource: $"/things/{id}/parts/1");

        var retry = await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("a", 1)], Metadata.Test, token, resource: "/ignored");
        var found = await db.Store.FindIdempotencyKeyAsync(key);

        Assert.Equal($"/things/{id}/parts/1", first.Resource);
        Assert.Equal(first.Resource, retry.Resource);
        Assert.Equal(first.Resource, found!.Result.Resource);
    }
}
