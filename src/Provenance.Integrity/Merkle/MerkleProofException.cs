namespace Provenance.Integrity.Merkle;

/// <summary>Why a Merkle proof was rejected.</summary>
public enum ProofFailure
{
    /// <summary>A leaf, root or proof hash is not 32 bytes.</summary>
    HashSizeInvalid,

    /// <summary>The leaf index is not below the tree size.</summary>
    LeafIndexOutOfRange,

    /// <summary>The first tree of a consistency proof is larger than the second.</summary>
    TreeSizesOutOfOrder,

    /// <summary>The first tree of a consistency proof is empty: RFC 9162 defines proofs only from a non-empty tree.</summary>
    EmptyFirstTree,

    /// <summary>The proof has more or fewer hashes than the sizes and index call for (including any hash where none is expected).</summary>
    ProofSizeInvalid,

    /// <summary>The proof is well formed but does not lead to the expected root hash (or hashes).</summary>
    RootMismatch,
}

/// <summary>
/// A Merkle inclusion or consistency proof did not verify. The verification functions of
/// <see cref="MerkleTree"/> return normally only for a proof that holds, so a caller cannot ignore
/// a failure by forgetting to look at a result.
/// </summary>
public sealed class MerkleProofException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MerkleProofException(ProofFailure failure, string message)
        : base(message)
    {
        Failure = failure;
    }

    /// <summary>Why the proof was rejected.</summary>
    public ProofFailure Failure { get; }
}
