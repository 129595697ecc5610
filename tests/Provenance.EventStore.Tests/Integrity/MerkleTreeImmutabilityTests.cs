using Npgsql;
using Provenance.EventStore.Integrity;
using Provenance.Testing;

namespace Provenance.EventStore.Tests.Integrity;

/// <summary>The database refuses to change the stored tree or its checkpoints, whoever asks.</summary>
public sealed class MerkleTreeImmutabilityTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    public static TheoryData<string> Mutations => new()
    {
        "UPDATE provenance.merkle_subtrees SET hash = sha256('forged'::bytea)",
        "DELETE FROM provenance.merkle_subtrees",
        "TRUNCATE provenance.merkle_subtrees",
        "UPDATE provenance.checkpoints SET note = 'forged'",
        "DELETE FROM provenance.checkpoints",
        "TRUNCATE provenance.checkpoints",
        "UPDATE provenance.checkpoint_cosignatures SET line = 'forged'",
        "DELETE FROM provenance.checkpoint_cosignatures",
        "TRUNCATE provenance.checkpoint_cosignatures",
        "DELETE FROM provenance.merkle_tree_head",
        "TRUNCATE provenance.merkle_tree_head",
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public async Task The_tables_owner_cannot_change_or_remove_subtrees_checkpoints_or_the_head(string sql)
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
    public async Task The_application_role_has_no_right_to_change_or_remove_subtrees_checkpoints_or_the_head(string sql)
    {
        await SeedAsync();
        await using var app = new NpgsqlConnection(db.AppConnectionString);
        await app.OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(app, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("permission denied", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tree_head_never_moves_back_even_for_its_owner()
    {
        await SeedAsync();
        await using var connection = new NpgsqlConnection(db.OwnerConnectionString);
        await connection.OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(connection, "UPDATE provenance.merkle_tree_head SET size = size - 1"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("only moves forward", error.MessageText, StringComparison.Ordinal);
    }

    private async Task SeedAsync()
    {
        await TreeTesting.AppendAsync(db.Store, 3);
        using var integrator = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options);
        var head = await integrator.CatchUpAsync(long.MaxValue);
        await using var owner = new NpgsqlConnection(db.OwnerConnectionString);
        await owner.OpenAsync();
        await using var checkpoint = new NpgsqlCommand(
            "INSERT INTO provenance.checkpoints (tree_size, root, note, key_id) VALUES (@size, @root, 'seed', '00000000') ON CONFLICT DO NOTHING", owner);
        checkpoint.Parameters.Add(new NpgsqlParameter<long>("size", head.Size));
        checkpoint.Parameters.Add(new NpgsqlParameter<byte[]>("root", head.RootHash));
        await checkpoint.ExecuteNonQueryAsync();
        await using var cosignature = new NpgsqlCommand(
            "INSERT INTO provenance.checkpoint_cosignatures (tree_size, witness, key_id, cosigned_at, line) " +
            "VALUES (@size, 'w1.example', '0a1b2c3d', now(), E'\\u2014 w1.example seed\\n') ON CONFLICT DO NOTHING", owner);
        cosignature.Parameters.Add(new NpgsqlParameter<long>("size", head.Size));
        await cosignature.ExecuteNonQueryAsync();
    }
}
