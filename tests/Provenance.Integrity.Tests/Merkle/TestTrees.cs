using System.Text;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Tests.Merkle;

internal static class TestTrees
{
    public static List<byte[]> LeafHashes(int count) =>
        Enumerable.Range(0, count).Select(i => MerkleTree.LeafHash(Encoding.UTF8.GetBytes($"event {i}"))).ToList();

    /// <summary>A source holding every complete subtree of the tree of these leaves, as the builder emitted them.</summary>
    public static InMemorySubtreeHashSource SourceFor(IEnumerable<byte[]> leafHashes)
    {
        var source = new InMemorySubtreeHashSource();
        var builder = new MerkleTreeBuilder();
        foreach (var leaf in leafHashes)
        {
            source.Add(builder.Append(leaf));
        }

        return source;
    }
}

/// <summary>
/// A source that counts lookups and checks each asked-for subtree is complete in a tree of the
/// given size (a proof must never read past the tree it is about).
/// </summary>
internal sealed class CountingSource(ISubtreeHashSource inner, ulong treeSize) : ISubtreeHashSource
{
    public int Lookups { get; private set; }

    public int Calls { get; private set; }

    public async ValueTask<IReadOnlyList<byte[]>> GetSubtreeHashesAsync(IReadOnlyList<SubtreeCoordinate> subtrees, CancellationToken cancellationToken = default)
    {
        Calls++;
        Lookups += subtrees.Count;
        foreach (var subtree in subtrees)
        {
            Assert.True(subtree.FirstLeaf + subtree.LeafCount <= treeSize, $"{subtree} is not complete in a tree of {treeSize}.");
        }

        return await inner.GetSubtreeHashesAsync(subtrees, cancellationToken);
    }
}

/// <summary>
/// A tree of any size (up to 2^63) whose leaves are all the same, so every subtree of a level has
/// the same hash: it stands in for a huge log when only the shape of proofs matters.
/// </summary>
internal sealed class UniformTreeSource : ISubtreeHashSource
{
    private readonly byte[][] _levels = new byte[64][];

    public UniformTreeSource()
    {
        _levels[0] = MerkleTree.LeafHash("same"u8);
        for (var level = 1; level < _levels.Length; level++)
        {
            _levels[level] = MerkleTree.NodeHash(_levels[level - 1], _levels[level - 1]);
        }
    }

    public byte[] LeafHash => _levels[0];

    public ValueTask<IReadOnlyList<byte[]>> GetSubtreeHashesAsync(IReadOnlyList<SubtreeCoordinate> subtrees, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<byte[]>>(subtrees.Select(s => _levels[s.Level]).ToArray());
}
