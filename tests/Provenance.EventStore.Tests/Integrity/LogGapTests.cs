using Npgsql;
using Provenance.EventStore.Integrity;
using Provenance.Testing;

namespace Provenance.EventStore.Tests.Integrity;

/// <summary>Leaf n is the event at position n + 1: a log with a hole is refused, not integrated shifted.</summary>
public sealed class LogGapTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task An_event_beyond_a_gap_stops_integration_loudly_and_the_tree_stays_where_it_was()
    {
        await TreeTesting.AppendAsync(db.Store, 4);
        using var integrator = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options);
        var before = await integrator.CatchUpAsync(long.MaxValue);

        // Only a superuser can write around append_events; it leaves position 6 empty.
        await using (var admin = new NpgsqlConnection(db.AdminConnectionString))
        {
            await admin.OpenAsync();
            await TestDatabase.ExecuteAsync(admin,
                "INSERT INTO provenance.events (position, id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at) " +
                "SELECT 7, gen_random_uuid(), stream_id, stream_version + 100, type, schema_version, data, metadata, recorded_at " +
                "FROM provenance.events WHERE position = 1");
        }

        await TreeTesting.AppendAsync(db.Store, 1);
        var error = await Assert.ThrowsAsync<LogIntegrityException>(() => integrator.CatchUpAsync(long.MaxValue, batchSize: 10));

        Assert.Contains("gap", error.Message, StringComparison.Ordinal);
        Assert.Contains("position 6, not 7", error.Message, StringComparison.Ordinal);
        var after = await integrator.GetTreeHeadAsync();
        Assert.Equal(before.Size, after.Size);
        Assert.Equal(before.RootHash, after.RootHash);
    }
}
