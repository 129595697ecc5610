using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Tests.Merkle;

public sealed class BlockInclusionProofTests
{
    private const int TreeSizes = 70;

    [Fact]
    public async Task Every_aligned_block_of_every_tree_up_to_size_70_gives_each_leaf_its_own_inclusion_proof()
    {
        var leaves = TestTrees.LeafHashes(TreeSizes);
        var source = TestTrees.SourceFor(leaves);
        var blocks = 0;
        for (var size = 1; size <= TreeSizes; size++)
        {
            var root = MerkleTree.RootHash(leaves[..size]);
            for (var blockSize = 1; blockSize <= size; blockSize *= 2)
            {
                for (var first = 0; first + blockSize <= size; first += blockSize)
                {
                    var counting = new CountingSource(source, (ulong)size);

                    var proofs = await MerkleTree.BlockInclusionProofsAsync(counting, (ulong)first, leaves.GetRange(first, blockSize), (ulong)size);

                    Assert.Equal(blockSize, proofs.Length);
                    Assert.True(counting.Calls <= 1, "The block's upper path is read in one call.");
                    for (var j = 0; j < blockSize; j++)
                    {
                        var index = first + j;
                        Assert.Equal(Rfc9162.Path(index, leaves, 0, size), proofs[j]);
                        MerkleTree.VerifyInclusion((ulong)index, (ulong)size, leaves[index], proofs[j], root);
                    }

                    blocks++;
                }
            }
        }

        Assert.True(blocks > 1000, $"only {blocks} blocks were checked");
    }

    [Fact]
    public async Task A_block_that_is_the_whole_tree_reads_nothing_from_the_source()
    {
        var leaves = TestTrees.LeafHashes(16);
        var counting = new CountingSource(TestTrees.SourceFor(leaves), 16);

        var proofs = await MerkleTree.BlockInclusionProofsAsync(counting, 0, leaves, 16);

        Assert.Equal(0, counting.Lookups);
        Assert.All(proofs, proof => Assert.Equal(4, proof.Count));
        MerkleTree.VerifyInclusion(11, 16, leaves[11], proofs[11], MerkleTree.RootHash(leaves));
    }

    [Fact]
    public async Task A_wrong_leaf_hash_in_the_block_gives_proofs_that_do_not_verify_the_other_leaves()
    {
        var leaves = TestTrees.LeafHashes(24);
        var source = TestTrees.SourceFor(leaves);
        var root = MerkleTree.RootHash(leaves);
        var given = leaves.GetRange(8, 8);
        given[3] = MerkleTree.LeafHash("not event 11"u8);

        var proofs = await MerkleTree.BlockInclusionProofsAsync(source, 8, given, 24);

        // Leaf 10's proof carries the forged sibling 11, so it no longer reaches the signed root.
        Assert.Equal(
            ProofFailure.RootMismatch,
            Assert.Throws<MerkleProofException>(() => MerkleTree.VerifyInclusion(10, 24, leaves[10], proofs[2], root)).Failure);
    }

    [Theory]
    [InlineData(0UL, 0, 8UL)]   // empty
    [InlineData(0UL, 3, 8UL)]   // not a power of two
    [InlineData(2UL, 4, 8UL)]   // not aligned
    [InlineData(8UL, 4, 10UL)]  // past the end of the tree
    [InlineData(0UL, 16, 8UL)]  // larger than the tree
    public async Task A_block_that_is_not_an_aligned_power_of_two_inside_the_tree_is_refused(ulong first, int count, ulong treeSize)
    {
        var leaves = TestTrees.LeafHashes(Math.Max(count, 1)).Take(count).ToList();
        var source = TestTrees.SourceFor(TestTrees.LeafHashes(16));

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await MerkleTree.BlockInclusionProofsAsync(source, first, leaves, treeSize));

        Assert.Equal("leafHashes", error.ParamName);
    }

    [Fact]
    public async Task A_leaf_hash_that_is_not_32_bytes_is_refused()
    {
        var leaves = TestTrees.LeafHashes(4);
        leaves[2] = new byte[31];

        await Assert.ThrowsAsync<ArgumentException>(async () => await MerkleTree.BlockInclusionProofsAsync(TestTrees.SourceFor(TestTrees.LeafHashes(4)), 0, leaves, 4));
    }
}
