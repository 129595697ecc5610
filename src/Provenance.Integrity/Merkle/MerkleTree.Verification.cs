using System.Numerics;

namespace Provenance.Integrity.Merkle;

public static partial class MerkleTree
{
    /// <summary>
    /// Verifies that <paramref name="leafHash"/> is leaf <paramref name="leafIndex"/> of the tree of
    /// <paramref name="treeSize"/> leaves whose root is <paramref name="rootHash"/>, by the algorithm
    /// of RFC 9162 section 2.1.3.2. Returns only if the proof holds.
    /// </summary>
    /// <param name="leafIndex">The leaf's 0-based index.</param>
    /// <param name="treeSize">The number of leaves in the tree.</param>
    /// <param name="leafHash">The leaf hash (not the leaf input): see <see cref="LeafHash"/>.</param>
    /// <param name="proof">The audit path, deepest sibling first.</param>
    /// <param name="rootHash">The trusted root hash, e.g. from a verified checkpoint.</param>
    /// <exception cref="MerkleProofException">The inputs are malformed or the proof does not hold; <see cref="MerkleProofException.Failure"/> says which.</exception>
    public static void VerifyInclusion(ulong leafIndex, ulong treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> rootHash)
    {
        ArgumentNullException.ThrowIfNull(proof);
        RequireProofHashSize(leafHash, "leaf hash");
        RequireProofHashSize(rootHash, "root hash");
        RequireProofHashSizes(proof);
        if (leafIndex >= treeSize)
        {
            throw new MerkleProofException(ProofFailure.LeafIndexOutOfRange, $"Leaf index {leafIndex} is not below tree size {treeSize}.");
        }

        var expected = InclusionProofSize(leafIndex, treeSize);
        if (proof.Count != expected)
        {
            throw new MerkleProofException(ProofFailure.ProofSizeInvalid, $"An inclusion proof of leaf {leafIndex} in a tree of {treeSize} has {expected} hashes, not {proof.Count}.");
        }

        var fn = leafIndex;
        var sn = treeSize - 1;
        Span<byte> r = stackalloc byte[HashSize];
        leafHash.CopyTo(r);
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                throw TooLong();
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(p, r, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                NodeHash(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            throw new MerkleProofException(ProofFailure.ProofSizeInvalid, "The inclusion proof is too short for the tree size.");
        }

        if (!r.SequenceEqual(rootHash))
        {
            throw new MerkleProofException(ProofFailure.RootMismatch, $"The inclusion proof of leaf {leafIndex} does not lead to the root hash of the tree of {treeSize}.");
        }
    }

    /// <summary>
    /// Verifies that the tree of <paramref name="size1"/> leaves with root <paramref name="root1"/>
    /// is a prefix of the tree of <paramref name="size2"/> leaves with root <paramref name="root2"/>,
    /// by the algorithm of RFC 9162 section 2.1.4.2. Returns only if the proof holds.
    /// </summary>
    /// <remarks>
    /// RFC 9162 defines consistency for 0 &lt; size1 &lt; size2. Equal sizes are accepted with an
    /// empty proof when the two roots are byte-for-byte equal (nothing is hashed, so their length
    /// is not checked, as in the transparency-dev reference verifier and its test vectors). A first
    /// tree of size 0 is rejected: every tree extends it, so such a proof would prove nothing.
    /// </remarks>
    /// <exception cref="MerkleProofException">The inputs are malformed or the proof does not hold; <see cref="MerkleProofException.Failure"/> says which.</exception>
    public static void VerifyConsistency(ulong size1, ulong size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (size1 > size2)
        {
            throw new MerkleProofException(ProofFailure.TreeSizesOutOfOrder, $"The first tree ({size1}) is larger than the second ({size2}).");
        }

        if (size1 == 0)
        {
            throw new MerkleProofException(ProofFailure.EmptyFirstTree, "A consistency proof needs a non-empty first tree.");
        }

        if (size1 == size2)
        {
            if (proof.Count != 0)
            {
                throw new MerkleProofException(ProofFailure.ProofSizeInvalid, $"Trees of equal size need an empty consistency proof, not {proof.Count} hashes.");
            }

            if (!root1.SequenceEqual(root2))
            {
                throw new MerkleProofException(ProofFailure.RootMismatch, $"Two trees of size {size1} have different roots.");
            }

            return;
        }

        RequireProofHashSize(root1, "first root hash");
        RequireProofHashSize(root2, "second root hash");
        RequireProofHashSizes(proof);
        var expected = ConsistencyProofSize(size1, size2);
        if (proof.Count != expected)
        {
            throw new MerkleProofException(ProofFailure.ProofSizeInvalid, $"A consistency proof from {size1} to {size2} has {expected} hashes, not {proof.Count}.");
        }

        VerifyConsistencyPath(size1, size2, proof, root1, root2);
    }

    private static void VerifyConsistencyPath(ulong size1, ulong size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        // A first tree that is a perfect subtree of the second is itself the path's starting node,
        // so the proof leaves it out (RFC 9162 2.1.4.2 step 2).
        var seedFromRoot1 = BitOperations.IsPow2(size1);
        var next = seedFromRoot1 ? 0 : 1;
        Span<byte> fr = stackalloc byte[HashSize];
        Span<byte> sr = stackalloc byte[HashSize];
        (seedFromRoot1 ? root1 : proof[0]).CopyTo(fr);
        fr.CopyTo(sr);

        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        for (var i = next; i < proof.Count; i++)
        {
            var c = proof[i];
            if (sn == 0)
            {
                throw TooLong();
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(c, fr, fr);
                NodeHash(c, sr, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                NodeHash(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            throw new MerkleProofException(ProofFailure.ProofSizeInvalid, "The consistency proof is too short for the tree sizes.");
        }

        if (!fr.SequenceEqual(root1))
        {
            throw new MerkleProofException(ProofFailure.RootMismatch, $"The consistency proof does not lead to the root hash of the tree of {size1}.");
        }

        if (!sr.SequenceEqual(root2))
        {
            throw new MerkleProofException(ProofFailure.RootMismatch, $"The consistency proof does not lead to the root hash of the tree of {size2}.");
        }
    }

    /// <summary>How many hashes the inclusion proof of a leaf has: the inner path below the right edge, plus the left siblings on it.</summary>
    internal static int InclusionProofSize(ulong leafIndex, ulong treeSize)
    {
        var inner = 64 - BitOperations.LeadingZeroCount(leafIndex ^ (treeSize - 1));
        var border = inner == 64 ? 0 : BitOperations.PopCount(leafIndex >> inner);
        return inner + border;
    }

    /// <summary>How many hashes a consistency proof from size1 to size2 (0 &lt; size1 &lt; size2) has.</summary>
    private static int ConsistencyProofSize(ulong size1, ulong size2)
    {
        var shift = BitOperations.TrailingZeroCount(size1);
        var seed = BitOperations.IsPow2(size1) ? 0 : 1;
        return seed + InclusionProofSize(size1 - 1, size2) - shift;
    }

    private static void RequireProofHashSize(ReadOnlySpan<byte> hash, string what)
    {
        if (hash.Length != HashSize)
        {
            throw new MerkleProofException(ProofFailure.HashSizeInvalid, $"The {what} is {hash.Length} bytes, not {HashSize}.");
        }
    }

    private static void RequireProofHashSizes(IReadOnlyList<byte[]> proof)
    {
        for (var i = 0; i < proof.Count; i++)
        {
            if (proof[i] is not { Length: HashSize })
            {
                throw new MerkleProofException(ProofFailure.HashSizeInvalid, $"Proof hash {i} is {proof[i]?.Length ?? 0} bytes, not {HashSize}.");
            }
        }
    }

    private static MerkleProofException TooLong() =>
        new(ProofFailure.ProofSizeInvalid, "The proof is longer than the path to the root.");
}
