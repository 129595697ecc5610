using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Tests.Merkle;

public sealed class ProofGenerationTests
{
    private const int InclusionTreeSizes = 70;
    private const int ConsistencyTreeSizes = 40;

    [Fact]
    public async Task Every_inclusion_proof_up_to_size_70_is_the_rfc_path_and_verifies()
    {
        var leaves = TestTrees.LeafHashes(InclusionTreeSizes);
        var source = TestTrees.SourceFor(leaves);
        for (var size = 1; size <= InclusionTreeSizes; size++)
        {
            var root = MerkleTree.RootHash(leaves[..size]);
            for (var index = 0; index < size; index++)
            {
                var proof = await MerkleTree.InclusionProofAsync(source, (ulong)index, (ulong)size);

                Assert.Equal(Rfc9162.Path(index, leaves, 0, size), proof);
                MerkleTree.VerifyInclusion((ulong)index, (ulong)size, leaves[index], proof, root);
            }
        }
    }

    [Fact]
    public async Task Every_consistency_proof_up_to_size_40_is_the_rfc_proof_and_verifies()
    {
        var leaves = TestTrees.LeafHashes(ConsistencyTreeSizes);
        var source = TestTrees.SourceFor(leaves);
        for (var size2 = 1; size2 <= ConsistencyTreeSizes; size2++)
        {
            var root2 = MerkleTree.RootHash(leaves[..size2]);
            for (var size1 = 1; size1 <= size2; size1++)
            {
                var proof = await MerkleTree.ConsistencyProofAsync(source, (ulong)size1, (ulong)size2);

                Assert.Equal(Rfc9162.Subproof(size1, leaves, 0, size2, true), proof);
                MerkleTree.VerifyConsistency((ulong)size1, (ulong)size2, proof, MerkleTree.RootHash(leaves[..size1]), root2);
            }
        }
    }

    [Fact]
    public async Task A_proof_for_one_leaf_does_not_verify_another_leaf_or_another_size()
    {
        var leaves = TestTrees.LeafHashes(13);
        var source = TestTrees.SourceFor(leaves);
        var root = MerkleTree.RootHash(leaves);
        var proof = await MerkleTree.InclusionProofAsync(source, 5, 13);

        Assert.Equal(ProofFailure.RootMismatch, Assert.Throws<MerkleProofException>(() => MerkleTree.VerifyInclusion(5, 13, leaves[6], proof, root)).Failure);
        Assert.Throws<MerkleProofException>(() => MerkleTree.VerifyInclusion(4, 13, leaves[5], proof, root));
        Assert.Throws<MerkleProofException>(() => MerkleTree.VerifyInclusion(5, 12, leaves[5], proof, MerkleTree.RootHash(leaves[..12])));
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(7UL)]
    [InlineData(70UL)]
    [InlineData(1000UL)]
    [InlineData(1UL << 20)]
    [InlineData((1UL << 40) + 12345)]
    [InlineData((1UL << 62) - 1)]
    [InlineData(ulong.MaxValue >> 1)]
    public async Task Proofs_read_a_logarithmic_number_of_subtrees_in_one_call(ulong treeSize)
    {
        var uniform = new UniformTreeSource();
        var root = await MerkleTree.RootHashAsync(uniform, treeSize);
        var bound = (2 * CeilingLog2(treeSize)) + 2;
        ulong[] indexes = [0, treeSize / 3, treeSize / 2, treeSize - 2, treeSize - 1];
        foreach (var index in indexes.Where(i => i < treeSize).Distinct())
        {
            var source = new CountingSource(uniform, treeSize);

            var proof = await MerkleTree.InclusionProofAsync(source, index, treeSize);

            Assert.InRange(source.Calls, 0, 1);
            Assert.InRange(source.Lookups, 0, bound);
            MerkleTree.VerifyInclusion(index, treeSize, uniform.LeafHash, proof, root);
        }

        ulong[] oldSizes = [1, 2, 3, treeSize / 3, treeSize / 2 + 1, treeSize - 1, treeSize];
        foreach (var size1 in oldSizes.Where(s => s >= 1 && s <= treeSize).Distinct())
        {
            var source = new CountingSource(uniform, treeSize);

            var proof = await MerkleTree.ConsistencyProofAsync(source, size1, treeSize);

            Assert.InRange(source.Lookups, 0, bound);
            MerkleTree.VerifyConsistency(size1, treeSize, proof, await MerkleTree.RootHashAsync(uniform, size1), root);
        }
    }

    [Fact]
    public async Task Lookups_stay_within_the_bound_for_every_proof_of_a_real_tree()
    {
        const int size = 100;
        var leaves = TestTrees.LeafHashes(size);
        var stored = TestTrees.SourceFor(leaves);
        for (var n = 1UL; n <= size; n++)
        {
            var bound = (2 * CeilingLog2(n)) + 2;
            for (var m = 0UL; m < n; m++)
            {
                var inclusion = new CountingSource(stored, n);
                await MerkleTree.InclusionProofAsync(inclusion, m, n);
                Assert.InRange(inclusion.Lookups, 0, bound);

                var consistency = new CountingSource(stored, n);
                await MerkleTree.ConsistencyProofAsync(consistency, m + 1, n);
                Assert.InRange(consistency.Lookups, 0, bound);
            }
        }
    }

    [Fact]
    public async Task Impossible_proofs_are_refused()
    {
        var source = TestTrees.SourceFor(TestTrees.LeafHashes(4));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => MerkleTree.InclusionProofAsync(source, 4, 4).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => MerkleTree.InclusionProofAsync(source, 0, 0).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyProofAsync(source, 0, 4).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyProofAsync(source, 4, 3).AsTask());
    }

    [Fact]
    public async Task A_proof_beyond_the_stored_tree_fails_on_the_missing_subtree()
    {
        var source = TestTrees.SourceFor(TestTrees.LeafHashes(4));

        await Assert.ThrowsAsync<KeyNotFoundException>(() => MerkleTree.InclusionProofAsync(source, 0, 5).AsTask());
    }

    private static int CeilingLog2(ulong n) => n <= 1 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount(n - 1);
}
