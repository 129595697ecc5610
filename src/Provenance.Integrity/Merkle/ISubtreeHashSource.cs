namespace Provenance.Integrity.Merkle;

/// <summary>
/// Where proof generation reads the hashes of complete subtrees, such as a table keyed by
/// (level, index) that a <see cref="MerkleTreeBuilder"/> filled. Proofs ask for O(log n) subtrees
/// in one call, so a database implementation answers them in one round trip.
/// </summary>
public interface ISubtreeHashSource
{
    /// <summary>
    /// Returns the 32-byte hash of each requested subtree, in the order requested.
    /// </summary>
    /// <param name="subtrees">The subtrees; each lies inside the tree the caller asks a proof of, so it is complete.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <exception cref="KeyNotFoundException">A subtree is not stored (implementations should say which).</exception>
    ValueTask<IReadOnlyList<byte[]>> GetSubtreeHashesAsync(IReadOnlyList<SubtreeCoordinate> subtrees, CancellationToken cancellationToken = default);
}
