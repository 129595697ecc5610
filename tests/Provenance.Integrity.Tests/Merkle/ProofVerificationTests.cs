using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Tests.Merkle;

/// <summary>Malformed inputs beyond the published vectors, each with the failure it must report.</summary>
public sealed class ProofVerificationTests
{
    private static readonly List<byte[]> Leaves = TestTrees.LeafHashes(11);
    private static readonly byte[] Root = MerkleTree.RootHash(Leaves);

    private static ProofFailure Inclusion(ulong index, ulong size, byte[] leaf, IReadOnlyList<byte[]> proof, byte[] root) =>
        Assert.Throws<MerkleProofException>(() => MerkleTree.VerifyInclusion(index, size, leaf, proof, root)).Failure;

    private static ProofFailure Consistency(ulong size1, ulong size2, IReadOnlyList<byte[]> proof, byte[] root1, byte[] root2) =>
        Assert.Throws<MerkleProofException>(() => MerkleTree.VerifyConsistency(size1, size2, proof, root1, root2)).Failure;

    private static IReadOnlyList<byte[]> InclusionProof(ulong index) =>
        MerkleTree.InclusionProofAsync(TestTrees.SourceFor(Leaves), index, (ulong)Leaves.Count).AsTask().GetAwaiter().GetResult();

    private static IReadOnlyList<byte[]> ConsistencyProof(ulong size1) =>
        MerkleTree.ConsistencyProofAsync(TestTrees.SourceFor(Leaves), size1, (ulong)Leaves.Count).AsTask().GetAwaiter().GetResult();

    [Fact]
    public void Hashes_that_are_not_32_bytes_are_rejected()
    {
        var proof = InclusionProof(3);

        Assert.Equal(ProofFailure.HashSizeInvalid, Inclusion(3, 11, Leaves[3][..31], proof, Root));
        Assert.Equal(ProofFailure.HashSizeInvalid, Inclusion(3, 11, Leaves[3], proof, [.. Root, 0]));
        Assert.Equal(ProofFailure.HashSizeInvalid, Inclusion(3, 11, Leaves[3], [.. proof.Take(3), proof[3][..16]], Root));
        Assert.Equal(ProofFailure.HashSizeInvalid, Consistency(3, 11, ConsistencyProof(3), Root[..31], Root));
    }

    [Fact]
    public void A_leaf_index_outside_the_tree_is_rejected()
    {
        Assert.Equal(ProofFailure.LeafIndexOutOfRange, Inclusion(11, 11, Leaves[3], InclusionProof(3), Root));
        Assert.Equal(ProofFailure.LeafIndexOutOfRange, Inclusion(0, 0, Leaves[0], [], MerkleTree.EmptyRootHash.ToArray()));
        Assert.Equal(ProofFailure.LeafIndexOutOfRange, Inclusion(ulong.MaxValue, 11, Leaves[3], InclusionProof(3), Root));
    }

    [Fact]
    public void A_proof_of_the_wrong_length_is_rejected_before_any_hashing()
    {
        var proof = InclusionProof(3);

        Assert.Equal(ProofFailure.ProofSizeInvalid, Inclusion(3, 11, Leaves[3], proof.Skip(1).ToList(), Root));
        Assert.Equal(ProofFailure.ProofSizeInvalid, Inclusion(3, 11, Leaves[3], [.. proof, Root], Root));
        Assert.Equal(ProofFailure.ProofSizeInvalid, Inclusion(0, 1, Leaves[0], [Leaves[0]], Leaves[0]));
    }

    [Fact]
    public void Consistency_sizes_out_of_order_or_from_the_empty_tree_are_rejected()
    {
        Assert.Equal(ProofFailure.TreeSizesOutOfOrder, Consistency(12, 11, [], Root, Root));
        Assert.Equal(ProofFailure.EmptyFirstTree, Consistency(0, 11, [], MerkleTree.EmptyRootHash.ToArray(), Root));
        Assert.Equal(ProofFailure.EmptyFirstTree, Consistency(0, 0, [], MerkleTree.EmptyRootHash.ToArray(), MerkleTree.EmptyRootHash.ToArray()));
    }

    [Fact]
    public void Equal_sizes_need_an_empty_proof_and_equal_roots()
    {
        MerkleTree.VerifyConsistency(11, 11, [], Root, Root);

        Assert.Equal(ProofFailure.ProofSizeInvalid, Consistency(11, 11, [Root], Root, Root));
        Assert.Equal(ProofFailure.RootMismatch, Consistency(11, 11, [], Root, Leaves[0]));
    }

    [Fact]
    public void A_consistency_proof_of_the_wrong_length_or_for_other_roots_is_rejected()
    {
        var proof = ConsistencyProof(5);
        var root5 = MerkleTree.RootHash(Leaves[..5]);
        MerkleTree.VerifyConsistency(5, 11, proof, root5, Root);

        Assert.Equal(ProofFailure.ProofSizeInvalid, Consistency(5, 11, [], root5, Root));
        Assert.Equal(ProofFailure.ProofSizeInvalid, Consistency(5, 11, proof.Skip(1).ToList(), root5, Root));
        Assert.Equal(ProofFailure.ProofSizeInvalid, Consistency(5, 11, [.. proof, Root], root5, Root));
        Assert.Equal(ProofFailure.RootMismatch, Consistency(5, 11, proof, MerkleTree.RootHash(Leaves[..6]), Root));
        Assert.Equal(ProofFailure.RootMismatch, Consistency(5, 11, proof, root5, MerkleTree.RootHash(Leaves[..10])));
    }

    [Fact]
    public void Node_hashes_take_only_32_byte_children()
    {
        Assert.Throws<ArgumentException>(() => MerkleTree.NodeHash(new byte[32], new byte[31]));
        Assert.Throws<ArgumentException>(() => MerkleTree.RootHash([new byte[32], new byte[1]]));
    }
}
