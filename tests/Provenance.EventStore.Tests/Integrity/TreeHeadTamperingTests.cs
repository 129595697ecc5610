using Npgsql;
using Provenance.EventStore.Integrity;
using Provenance.Testing;

namespace Provenance.EventStore.Tests.Integrity;

/// <summary>A tree head that its stored subtrees do not give stops integration, in this instance and after a restart.</summary>
public sealed class TreeHeadTamperingTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task A_forged_root_in_the_tree_head_stops_integration_loudly()
    {
        await TreeTesting.AppendAsync(db.Store, 5);
        using var running = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options);
        await running.CatchUpAsync(long.MaxValue);
        // Only the tables' owner can still write the head (#14); the run-time role has no right to.
        await using (var owner = new NpgsqlConnection(db.OwnerConnectionString))
        {
            await owner.OpenAsync();
            await TestDatabase.ExecuteAsync(owner, "UPDATE provenance.merkle_tree_head SET root = sha256('forged'::bytea)");
        }

        await TreeTesting.AppendAsync(db.Store, 1);
        using var restarted = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options);

        foreach (var integrator in new[] { running, restarted })
        {
            var error = await Assert.ThrowsAsync<LogIntegrityException>(() => integrator.IntegrateOnceAsync());
            Assert.Contains("not the root of its stored subtrees", error.Message, StringComparison.Ordinal);
        }
    }
}
