namespace Provenance.EventStore.Integrity;

/// <summary>How far the log's Merkle tree has integrated the log.</summary>
/// <param name="Size">The number of leaves: the events at positions 1 to <paramref name="Size"/>.</param>
/// <param name="RootHash">The 32-byte RFC 9162 root hash of those leaves.</param>
public sealed record TreeHead(long Size, byte[] RootHash);

/// <summary>What one integration batch did.</summary>
/// <param name="Integrated">How many events it added as leaves (0: the tree had caught up with the log).</param>
/// <param name="Head">The tree head after the batch.</param>
public sealed record IntegrationResult(int Integrated, TreeHead Head);
