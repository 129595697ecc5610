namespace Provenance.Integrity.Merkle;

/// <summary>
/// A perfect, aligned subtree of the log's Merkle tree: the <c>2^Level</c> leaves starting at leaf
/// <c>Index * 2^Level</c>. Level 0 is a single leaf. Once the log holds all of its leaves, the
/// subtree's hash never changes, whatever the tree size, so it can be stored once under
/// (<see cref="Level"/>, <see cref="Index"/>).
/// </summary>
/// <param name="Level">The height of the subtree: it covers <c>2^Level</c> leaves (0 to 63).</param>
/// <param name="Index">Its position among the subtrees of the same level, counted from the left.</param>
public readonly record struct SubtreeCoordinate(int Level, ulong Index)
{
    /// <summary>The index of the first leaf the subtree covers.</summary>
    public ulong FirstLeaf => Index << Level;

    /// <summary>How many leaves the subtree covers.</summary>
    public ulong LeafCount => 1UL << Level;
}

/// <summary>The hash of a complete subtree, as <see cref="MerkleTreeBuilder"/> emits it for storage.</summary>
/// <param name="Subtree">Which subtree.</param>
/// <param name="Hash">Its 32-byte RFC 9162 node hash (for level 0, the leaf hash).</param>
public readonly record struct SubtreeHash(SubtreeCoordinate Subtree, ReadOnlyMemory<byte> Hash);
