using System.Numerics;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.Merkle;

namespace Provenance.EventStore.Tests.Integrity;

public sealed class MerkleIntegratorTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task After_appends_the_tree_root_is_the_root_of_every_events_envelope_computed_independently()
    {
        await TreeTesting.AppendAsync(db.Store, 37, perAppend: 5);
        await TreeTesting.AppendAsync(db.Store, 6);
        using var integrator = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options);

        var head = await integrator.CatchUpAsync(await db.Store.GetHeadPositionAsync());

        Assert.Equal(await db.Store.GetHeadPositionAsync(), head.Size);
        var (root, _) = await TreeTesting.IndependentRootAsync(db.Store, head.Size);
        Assert.Equal(TreeTesting.Hex(root), TreeTesting.Hex(head.RootHash));
        var stored = await integrator.GetTreeHeadAsync();
        Assert.Equal(head.Size, stored.Size);
        Assert.Equal(head.RootHash, stored.RootHash);
    }

    [Fact]
    public async Task Integrating_in_small_batches_and_across_a_restart_gives_the_same_root_and_stores_each_subtree_once()
    {
        await TreeTesting.AppendAsync(db.Store, 23, perAppend: 4);
        using (var first = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options))
        {
            Assert.True((await first.IntegrateOnceAsync(batchSize: 3)).Integrated > 0);
            await first.IntegrateOnceAsync(batchSize: 7);
        }

        await TreeTesting.AppendAsync(db.Store, 11, perAppend: 3);
        using var restarted = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options);
        TreeHead head;
        do
        {
            head = (await restarted.IntegrateOnceAsync(batchSize: 4)).Head;
        }
        while (head.Size < await db.Store.GetHeadPositionAsync());

        var (root, _) = await TreeTesting.IndependentRootAsync(db.Store, head.Size);
        Assert.Equal(root, head.RootHash);
        Assert.Equal(2 * head.Size - BitOperations.PopCount((ulong)head.Size),
            await TreeTesting.ScalarAsync(db.AppConnectionString, "SELECT count(*) FROM provenance.merkle_subtrees"));
        Assert.Equal(0, (await restarted.IntegrateOnceAsync()).Integrated);
    }

    [Fact]
    public async Task Integrators_running_at_once_take_turns_and_never_insert_a_subtree_twice()
    {
        var appending = TreeTesting.AppendAsync(db.Store, 120, perAppend: 3);
        var integrators = Enumerable.Range(0, 4).Select(_ => new MerkleIntegrator(db.AppDataSource, db.Store, db.Options)).ToList();
        try
        {
            var running = integrators.Select(i => Task.Run(async () =>
            {
                while (!appending.IsCompleted)
                {
                    await i.IntegrateOnceAsync(batchSize: 5);
                }

                await i.CatchUpAsync(long.MaxValue, batchSize: 5);
            })).ToList();
            await appending;
            await Task.WhenAll(running);

            var head = await integrators[0].GetTreeHeadAsync();
            Assert.Equal(await db.Store.GetHeadPositionAsync(), head.Size);
            var (root, _) = await TreeTesting.IndependentRootAsync(db.Store, head.Size);
            Assert.Equal(root, head.RootHash);
            Assert.Equal(2 * head.Size - BitOperations.PopCount((ulong)head.Size),
                await TreeTesting.ScalarAsync(db.AppConnectionString, "SELECT count(*) FROM provenance.merkle_subtrees"));
        }
        finally
        {
            integrators.ForEach(i => i.Dispose());
        }
    }

    [Fact]
    public async Task Proofs_from_the_stored_subtrees_read_log_n_of_them_in_one_round_trip_and_verify()
    {
        await TreeTesting.AppendAsync(db.Store, 300, perAppend: 50);
        using var integrator = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options);
        var head = await integrator.CatchUpAsync(long.MaxValue);
        var (_, leaves) = await TreeTesting.IndependentRootAsync(db.Store, head.Size);
        var source = new CountingSubtreeSource(new PostgresSubtreeHashSource(db.AppDataSource, db.Options));

        foreach (var size in new[] { 1L, 2, 7, 64, 65, head.Size / 2, head.Size - 1, head.Size })
        {
            var root = MerkleTree.RootHash(leaves[..(int)size]);
            Assert.Equal(root, await MerkleTree.RootHashAsync(source, (ulong)size));
            foreach (var index in new[] { 0L, size / 2, size - 1 }.Distinct())
            {
                source.Reset();
                var proof = await MerkleTree.InclusionProofAsync(source, (ulong)index, (ulong)size);

                Assert.True(source.Calls <= 1);
                Assert.InRange(source.Lookups, 0, MaxLookups(size));
                MerkleTree.VerifyInclusion((ulong)index, (ulong)size, leaves[(int)index], proof, root);
            }

            foreach (var from in new[] { 1L, size / 3, size - 1 }.Where(f => f >= 1).Distinct())
            {
                source.Reset();
                var proof = await MerkleTree.ConsistencyProofAsync(source, (ulong)from, (ulong)size);

                Assert.True(source.Calls <= 1);
                Assert.InRange(source.Lookups, 0, MaxLookups(size));
                MerkleTree.VerifyConsistency((ulong)from, (ulong)size, proof, MerkleTree.RootHash(leaves[..(int)from]), root);
            }
        }
    }

    [Fact]
    public async Task A_subtree_the_tree_has_not_integrated_is_reported_missing()
    {
        using var integrator = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options);
        var head = await integrator.CatchUpAsync(long.MaxValue);
        var source = new PostgresSubtreeHashSource(db.AppDataSource, db.Options);

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(async () =>
            await source.GetSubtreeHashesAsync([new SubtreeCoordinate(0, (ulong)head.Size)]));

        Assert.Contains($"index {head.Size}", error.Message, StringComparison.Ordinal);
    }

    private static int MaxLookups(long size) => (2 * (int)Math.Ceiling(Math.Log2(Math.Max(size, 2)))) + 2;
}
