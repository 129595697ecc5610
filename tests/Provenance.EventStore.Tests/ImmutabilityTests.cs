using Npgsql;
using Provenance.EventStore;
using Provenance.Testing;

namespace Provenance.EventStore.Tests;

/// <summary>The database itself refuses to change or remove recorded events, whoever asks.</summary>
public sealed class ImmutabilityTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    public static TheoryData<string> Mutations => new()
    {
        "UPDATE provenance.events SET data = '{\"name\":\"forged\",\"count\":1}'",
        "DELETE FROM provenance.events",
        "TRUNCATE provenance.events",
        "UPDATE provenance.idempotency_keys SET stream_version = 99",
        "DELETE FROM provenance.idempotency_keys",
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public async Task The_tables_owner_cannot_change_or_remove_events(string sql)
    {
        await SeedAsync();
        await using var owner = new NpgsqlConnection(db.OwnerConnectionString);
        await owner.OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(owner, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Mutations))]
    public async Task The_application_role_has_no_right_to_change_or_remove_events(string sql)
    {
        await SeedAsync();
        await using var app = new NpgsqlConnection(db.AppConnectionString);
        await app.OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(app, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("permission denied", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_survive_every_attempt_to_change_them()
    {
        var id = await SeedAsync();
        await using var owner = new NpgsqlConnection(db.OwnerConnectionString);
        await owner.OpenAsync();
        foreach (var sql in Mutations)
        {
            await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(owner, sql));
        }

        var events = await db.Store.ReadStreamAsync(id).ToListAsync();
        Assert.Equal(new ThingHappened("original", 1), Assert.Single(events).Data);
    }

    private async Task<Guid> SeedAsync()
    {
        var id = Guid.NewGuid();
        await db.Store.AppendAsync(id, "thing", ExpectedVersion.NoStream, [new ThingHappened("original", 1)], Metadata.Test,
            new Appending.IdempotencyToken("seed-" + id, [1, 2, 3]));
        return id;
    }
}
