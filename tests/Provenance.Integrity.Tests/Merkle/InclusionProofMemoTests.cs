using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Tests.Merkle;

/// <summary>The memoized verifier accepts exactly the proofs RFC 9162's algorithm accepts, with about one node hash per leaf.</summary>
public sealed class InclusionProofMemoTests
{
    private static byte[] Concat(IReadOnlyList<byte[]> proof) => [.. proof.SelectMany(h => h)];

    private static (List<byte[]> Leaves, InMemorySubtreeHashSource Source, byte[] Root) Tree(int size)
    {
        var leaves = TestTrees.LeafHashes(size);
        return (leaves, TestTrees.SourceFor(leaves), MerkleTree.RootHash(leaves));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(257)]
    public async Task Every_leaf_in_order_verifies(int size)
    {
        var (leaves, source, root) = Tree(size);
        var memo = new InclusionProofMemo((ulong)size, root);

        for (var i = 0; i < size; i++)
        {
            var proof = await MerkleTree.InclusionProofAsync(source, (ulong)i, (ulong)size);
            Assert.Null(memo.Verify((ulong)i, leaves[i], Concat(proof)));
        }
    }

    [Fact]
    public async Task A_dense_run_of_leaves_costs_about_one_node_hash_each()
    {
        const int size = 4096 + 37;
        var (leaves, source, root) = Tree(size);
        var memo = new InclusionProofMemo(size, root);

        for (var i = 0; i < size; i++)
        {
            var proof = Concat(await MerkleTree.InclusionProofAsync(source, (ulong)i, size));
            Assert.Null(memo.Verify((ulong)i, leaves[i], proof));
        }

        // A full verification of each would cost size × log2(size) ≈ 50,000 hashes; the tree has size − 1 nodes.
        Assert.True(memo.NodeHashes < size, $"{memo.NodeHashes} node hashes for {size} leaves");
    }

    [Fact]
    public async Task Sparse_and_out_of_order_leaves_verify()
    {
        const int size = 300;
        var (leaves, source, root) = Tree(size);
        var memo = new InclusionProofMemo(size, root);
        var random = new Random(3);
        var order = Enumerable.Range(0, size).Where(_ => random.Next(4) == 0).ToList();
        order.AddRange([5, 299, 0, 150, 149]);

        foreach (var i in order)
        {
            var proof = Concat(await MerkleTree.InclusionProofAsync(source, (ulong)i, size));
            Assert.Null(memo.Verify((ulong)i, leaves[i], proof));
        }
    }

    [Fact]
    public async Task Any_altered_hash_is_rejected_by_a_fresh_and_by_a_warmed_memo_as_by_the_rfc_verifier()
    {
        const int size = 37;
        var (leaves, source, root) = Tree(size);
        var warmed = new InclusionProofMemo(size, root);
        for (var i = 0; i < size; i++)
        {
            var proof = await MerkleTree.InclusionProofAsync(source, (ulong)i, size);
            for (var h = 0; h < proof.Count; h++)
            {
                var altered = proof.Select(p => p.ToArray()).ToList();
                altered[h][7] ^= 0x20;
                Assert.Throws<MerkleProofException>(() => MerkleTree.VerifyInclusion((ulong)i, size, leaves[i], altered, root));
                Assert.Equal(ProofFailure.RootMismatch, new InclusionProofMemo(size, root).Verify((ulong)i, leaves[i], Concat(altered)));
                Assert.Equal(ProofFailure.RootMismatch, warmed.Verify((ulong)i, leaves[i], Concat(altered)));
            }

            var otherLeaf = leaves[(i + 1) % size];
            Assert.Equal(ProofFailure.RootMismatch, warmed.Verify((ulong)i, otherLeaf, Concat(proof)));
            Assert.Null(warmed.Verify((ulong)i, leaves[i], Concat(proof)));
        }
    }

    [Fact]
    public async Task A_proof_of_the_wrong_length_or_a_leaf_outside_the_tree_is_rejected()
    {
        const int size = 20;
        var (leaves, source, root) = Tree(size);
        var memo = new InclusionProofMemo(size, root);
        var proof = Concat(await MerkleTree.InclusionProofAsync(source, 4, size));

        Assert.Equal(ProofFailure.ProofSizeInvalid, memo.Verify(4, leaves[4], proof.AsSpan(0, proof.Length - 32)));
        Assert.Equal(ProofFailure.ProofSizeInvalid, memo.Verify(4, leaves[4], [.. proof, .. proof[..32]]));
        Assert.Equal(ProofFailure.HashSizeInvalid, memo.Verify(4, leaves[4], proof.AsSpan(0, proof.Length - 1)));
        Assert.Equal(ProofFailure.LeafIndexOutOfRange, memo.Verify(size, leaves[4], proof));
        Assert.Null(memo.Verify(4, leaves[4], proof));
    }

    [Fact]
    public async Task A_leaf_that_matches_a_remembered_sibling_still_needs_the_right_upper_hashes()
    {
        const int size = 16;
        var (leaves, source, root) = Tree(size);
        var memo = new InclusionProofMemo(size, root);
        var first = Concat(await MerkleTree.InclusionProofAsync(source, 0, size));
        Assert.Null(memo.Verify(0, leaves[0], first));
        var proof = (await MerkleTree.InclusionProofAsync(source, 1, size)).Select(p => p.ToArray()).ToList();
        proof[^1][0] ^= 1;

        Assert.Equal(ProofFailure.RootMismatch, memo.Verify(1, leaves[1], Concat(proof)));
    }
}
