using System.Numerics;

namespace Provenance.Integrity.Merkle;

/// <summary>
/// One proof that many leaves are in the tree (audit bundle format 3, #22): the hashes of the
/// subtrees that hold none of the proved leaves and whose parent holds one, left to right. With
/// the proved leaves' own hashes, in order, they fold to the root; a run of consecutive leaves
/// needs at most two hashes a level, however long the run.
/// </summary>
/// <remarks>
/// Walking the tree of RFC 9162 section 2.1 from its root, left child first, a subtree with no
/// proved leaf is taken from the proof, a proved leaf is hashed from its input, and any other
/// subtree is the node hash of its children. The subtrees taken from the proof are therefore,
/// for each gap between two proved leaves (and before the first and after the last), the largest
/// subtrees of the tree lying inside the gap, left to right (<see cref="GapNodes"/>).
/// </remarks>
public static class Multiproof
{
    /// <summary>
    /// Adds to <paramref name="into"/> the largest subtrees of the tree of <paramref name="treeSize"/>
    /// leaves that lie inside the leaves [<paramref name="begin"/>, <paramref name="end"/>), left to
    /// right: what a multiproof carries for that gap. Each is a leaf range [Begin, End).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The gap is not inside the tree.</exception>
    public static void GapNodes(ulong begin, ulong end, ulong treeSize, List<(ulong Begin, ulong End)> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(begin, end);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, treeSize);
        if (begin < end)
        {
            Walk(0, treeSize, begin, end, into);
        }
    }

    /// <summary>
    /// The multiproof of the leaves <paramref name="leaves"/> (strictly increasing indexes) in the
    /// tree of <paramref name="treeSize"/> leaves, its subtree hashes read from
    /// <paramref name="source"/> in one call.
    /// </summary>
    /// <exception cref="ArgumentException">The leaves are not strictly increasing or not inside the tree.</exception>
    /// <exception cref="InvalidOperationException">The source answered with the wrong number or size of hashes.</exception>
    public static async ValueTask<IReadOnlyList<byte[]>> ProveAsync(
        ISubtreeHashSource source, IReadOnlyList<ulong> leaves, ulong treeSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(leaves);
        var nodes = new List<(ulong Begin, ulong End)>();
        ulong next = 0;
        foreach (var leaf in leaves)
        {
            if (leaf < next || leaf >= treeSize)
            {
                throw new ArgumentException($"Leaf {leaf} does not follow the leaf before it inside the tree of {treeSize} leaves.", nameof(leaves));
            }

            GapNodes(next, leaf, treeSize, nodes);
            next = leaf + 1;
        }

        GapNodes(next, treeSize, treeSize, nodes);
        return await HashesAsync(source, nodes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The hashes of the subtrees <paramref name="nodes"/> (each a node of the tree), read from <paramref name="source"/> in one call.</summary>
    /// <exception cref="InvalidOperationException">The source answered with the wrong number or size of hashes.</exception>
    public static async ValueTask<IReadOnlyList<byte[]>> HashesAsync(
        ISubtreeHashSource source, IReadOnlyList<(ulong Begin, ulong End)> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0)
        {
            return [];
        }

        // A node is a perfect subtree, or one on the tree's right edge that folds from the perfect subtrees it splits into.
        var subtrees = new List<SubtreeCoordinate>(nodes.Count);
        var firstSubtree = new int[nodes.Count + 1];
        for (var i = 0; i < nodes.Count; i++)
        {
            firstSubtree[i] = subtrees.Count;
            MerkleTree.Decompose(nodes[i].Begin, nodes[i].End, subtrees);
        }

        firstSubtree[nodes.Count] = subtrees.Count;
        var hashes = await MerkleTree.FetchAsync(source, subtrees, cancellationToken).ConfigureAwait(false);
        var folded = new byte[nodes.Count][];
        for (var i = 0; i < nodes.Count; i++)
        {
            folded[i] = MerkleTree.FoldRight(hashes, firstSubtree[i], firstSubtree[i + 1] - firstSubtree[i]);
        }

        return folded;
    }

    /// <summary>Whether the leaves [<paramref name="begin"/>, <paramref name="end"/>) are a subtree (a node) of the tree of <paramref name="treeSize"/> leaves.</summary>
    public static bool IsNode(ulong begin, ulong end, ulong treeSize)
    {
        if (begin >= end || end > treeSize)
        {
            return false;
        }

        var size = end - begin;
        if (BitOperations.IsPow2(size) && begin % size == 0)
        {
            // Every aligned block of a power of two inside the tree is one of its perfect subtrees.
            return true;
        }

        // The others lie on the right edge: [begin, n) where begin is n with its lowest bits cleared.
        return end == treeSize && (begin == 0 || size < (begin & (~begin + 1)));
    }

    private static void Walk(ulong low, ulong high, ulong begin, ulong end, List<(ulong Begin, ulong End)> into)
    {
        if (end <= low || high <= begin)
        {
            return;
        }

        if (begin <= low && high <= end)
        {
            into.Add((low, high));
            return;
        }

        var split = low + MerkleTree.SplitPoint(high - low);
        Walk(low, split, begin, end, into);
        Walk(split, high, begin, end, into);
    }
}

/// <summary>
/// Folds the subtrees of a tree, given left to right (proved leaves and a multiproof's hashes), into
/// its root, holding at most one pending subtree a level: a bundle's million events are checked in
/// a few kilobytes. Not thread-safe.
/// </summary>
public sealed class MultiproofFold
{
    private const int HashSize = MerkleTree.HashSize;

    private readonly ulong _treeSize;
    private readonly ulong[] _begins = new ulong[65];
    private readonly byte[] _hashes = new byte[65 * HashSize];
    private int _count;

    /// <summary>Starts folding the tree of <paramref name="treeSize"/> leaves.</summary>
    public MultiproofFold(ulong treeSize)
    {
        _treeSize = treeSize;
    }

    /// <summary>The tree's size.</summary>
    public ulong TreeSize => _treeSize;

    /// <summary>The first leaf no subtree given so far covers: the next subtree starts here.</summary>
    public ulong Next { get; private set; }

    /// <summary>Whether every leaf is covered, so that <see cref="Root"/> can be read.</summary>
    public bool IsComplete => Next == _treeSize;

    /// <summary>Adds the proved leaf <paramref name="leafIndex"/> (which must be <see cref="Next"/>) with its leaf hash.</summary>
    /// <exception cref="ArgumentException">The leaf is not the next one, or the hash is not 32 bytes.</exception>
    public void AddLeaf(ulong leafIndex, ReadOnlySpan<byte> leafHash) => Add(leafIndex, leafIndex + 1, leafHash);

    /// <summary>
    /// Adds the subtree [<paramref name="begin"/>, <paramref name="end"/>) with its hash;
    /// <paramref name="begin"/> must be <see cref="Next"/> and the range a node of the tree.
    /// </summary>
    /// <exception cref="ArgumentException">The range does not start at <see cref="Next"/>, is not a node of the tree, or the hash is not 32 bytes.</exception>
    public void Add(ulong begin, ulong end, ReadOnlySpan<byte> hash)
    {
        MerkleTree.RequireHashSize(hash, nameof(hash));
        if (begin != Next || !Multiproof.IsNode(begin, end, _treeSize))
        {
            throw new ArgumentException($"Leaves {begin} to {end} are not the tree's next subtree (leaves from {Next} in a tree of {_treeSize}).", nameof(begin));
        }

        _begins[_count] = begin;
        hash.CopyTo(Slot(_count));
        _count++;
        Next = end;

        // Two neighbors that make up a node of the tree are its children (the tree's nodes nest), so fold them.
        while (_count >= 2 && Multiproof.IsNode(_begins[_count - 2], Next, _treeSize))
        {
            MerkleTree.NodeHash(Slot(_count - 2), Slot(_count - 1), Slot(_count - 2));
            _count--;
        }
    }

    /// <summary>The root the subtrees fold to, once <see cref="IsComplete"/>; RFC 9162's empty root for a tree of no leaves.</summary>
    /// <exception cref="InvalidOperationException">Some leaves are not covered yet.</exception>
    public byte[] Root()
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException($"Leaves {Next} to {_treeSize} are not covered yet.");
        }

        return _treeSize == 0 ? MerkleTree.EmptyRootHash.ToArray() : Slot(0).ToArray();
    }

    private Span<byte> Slot(int slot) => _hashes.AsSpan(slot * HashSize, HashSize);
}
