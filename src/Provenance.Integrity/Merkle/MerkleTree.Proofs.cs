using System.Numerics;

namespace Provenance.Integrity.Merkle;

public static partial class MerkleTree
{
    /// <summary>
    /// The inclusion proof (audit path, RFC 9162 section 2.1.3.1) of leaf <paramref name="leafIndex"/>
    /// in the tree of the first <paramref name="treeSize"/> leaves, deepest sibling first.
    /// </summary>
    /// <remarks>
    /// Every sibling on the path is a perfect subtree except, at most once, the subtree on the right
    /// edge of a tree whose size is not a power of two; that one is folded from the perfect subtrees
    /// it splits into. So the proof costs at most 2·⌈log2 n⌉ + 2 subtree hashes, read from
    /// <paramref name="source"/> in one call, however long the log.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leafIndex"/> is not below <paramref name="treeSize"/>.</exception>
    /// <exception cref="InvalidOperationException">The source answered with the wrong number or size of hashes.</exception>
    public static async ValueTask<IReadOnlyList<byte[]>> InclusionProofAsync(ISubtreeHashSource source, ulong leafIndex, ulong treeSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, treeSize);
        return await BuildAsync(source, InclusionPath(leafIndex, treeSize), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The inclusion proofs of every leaf of an aligned block: the leaves
    /// [<paramref name="firstLeaf"/>, <paramref name="firstLeaf"/> + k) whose hashes are
    /// <paramref name="leafHashes"/>, k a power of two, <paramref name="firstLeaf"/> a multiple of k
    /// and the block inside the tree of <paramref name="treeSize"/> leaves. Such a block is a perfect
    /// subtree of the tree, so each proof is the leaf's path inside the block, hashed here from the
    /// leaf hashes (k − 1 node hashes for the whole block), followed by the block's own path to
    /// the root, the same for every leaf and read from <paramref name="source"/> in one call.
    /// </summary>
    /// <remarks>
    /// #22: an export proves a million consecutive events; proving each leaf on its own read about
    /// 2 stored subtrees per leaf and allocated some 8 KB per proof. Each proof here is equal,
    /// element for element, to <see cref="InclusionProofAsync"/>'s for the same leaf; the hashes of
    /// the block's upper path and of its inner nodes are arrays shared between the proofs (treat them
    /// as read-only). The proofs are only as good as the leaf hashes given: verify them against a
    /// signed root, as an audit bundle's writer does.
    /// </remarks>
    /// <exception cref="ArgumentException">The block is empty, not a power of two, not aligned, not inside the tree, or a leaf hash is not 32 bytes.</exception>
    /// <exception cref="InvalidOperationException">The source answered with the wrong number or size of hashes.</exception>
    public static async ValueTask<IReadOnlyList<byte[]>[]> BlockInclusionProofsAsync(
        ISubtreeHashSource source, ulong firstLeaf, IReadOnlyList<byte[]> leafHashes, ulong treeSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(leafHashes);
        var count = (ulong)leafHashes.Count;
        if (count == 0 || !BitOperations.IsPow2(count) || firstLeaf % count != 0 || firstLeaf + count > treeSize)
        {
            throw new ArgumentException(
                $"Leaves {firstLeaf} to {firstLeaf + count} are not an aligned block of a power-of-two size inside a tree of {treeSize} leaves.", nameof(leafHashes));
        }

        // levels[0] are the leaves; levels[l][j] is the node over levels[l - 1][2j] and [2j + 1].
        var height = BitOperations.Log2(count);
        var levels = new byte[height + 1][][];
        levels[0] = new byte[count][];
        for (var j = 0; j < leafHashes.Count; j++)
        {
            RequireHashSize(leafHashes[j], nameof(leafHashes));
            levels[0][j] = leafHashes[j];
        }

        for (var l = 1; l <= height; l++)
        {
            var below = levels[l - 1];
            var nodes = levels[l] = new byte[below.Length / 2][];
            for (var j = 0; j < nodes.Length; j++)
            {
                nodes[j] = new byte[HashSize];
                NodeHash(below[2 * j], below[(2 * j) + 1], nodes[j]);
            }
        }

        // The path of any leaf of the block, deepest first: its first `height` ranges lie inside the block.
        var path = InclusionPath(firstLeaf, treeSize);
        var upper = await BuildAsync(source, path.GetRange(height, path.Count - height), cancellationToken).ConfigureAwait(false);
        var proofs = new IReadOnlyList<byte[]>[count];
        for (var j = 0; j < proofs.Length; j++)
        {
            var proof = new byte[height + upper.Count][];
            for (var l = 0; l < height; l++)
            {
                proof[l] = levels[l][(j >> l) ^ 1];
            }

            for (var u = 0; u < upper.Count; u++)
            {
                proof[height + u] = upper[u];
            }

            proofs[j] = proof;
        }

        return proofs;
    }

    /// <summary>
    /// The consistency proof (RFC 9162 section 2.1.4.1) that the tree of the first
    /// <paramref name="size1"/> leaves is a prefix of the tree of the first <paramref name="size2"/>;
    /// empty when the sizes are equal.
    /// </summary>
    /// <remarks>
    /// As for <see cref="InclusionProofAsync"/>, at most one node lies on the right edge, so the
    /// proof costs at most 2·⌈log2 n⌉ + 2 subtree hashes, read in one call.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size1"/> is 0 (RFC 9162 defines no proof from the empty tree) or above <paramref name="size2"/>.</exception>
    /// <exception cref="InvalidOperationException">The source answered with the wrong number or size of hashes.</exception>
    public static async ValueTask<IReadOnlyList<byte[]>> ConsistencyProofAsync(ISubtreeHashSource source, ulong size1, ulong size2, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfZero(size1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);
        return await BuildAsync(source, ConsistencyPath(size1, size2), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PATH(m, D[n]) as the leaf ranges whose MTH are the proof's elements, deepest first.</summary>
    private static List<(ulong Begin, ulong End)> InclusionPath(ulong leafIndex, ulong treeSize)
    {
        var path = new List<(ulong Begin, ulong End)>();
        ulong begin = 0, end = treeSize;
        while (end - begin > 1)
        {
            var split = begin + SplitPoint(end - begin);
            if (leafIndex < split)
            {
                path.Add((split, end));
                end = split;
            }
            else
            {
                path.Add((begin, split));
                begin = split;
            }
        }

        path.Reverse();
        return path;
    }

    /// <summary>PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as leaf ranges, deepest first.</summary>
    private static List<(ulong Begin, ulong End)> ConsistencyPath(ulong size1, ulong size2)
    {
        var path = new List<(ulong Begin, ulong End)>();
        ulong begin = 0, end = size2;
        var wholeOldTree = true;
        while (size1 != end)
        {
            var split = begin + SplitPoint(end - begin);
            if (size1 <= split)
            {
                path.Add((split, end));
                end = split;
            }
            else
            {
                path.Add((begin, split));
                begin = split;
                wholeOldTree = false;
            }
        }

        // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree's last subtree, unless it is the whole old tree.
        if (!wholeOldTree)
        {
            path.Add((begin, end));
        }

        path.Reverse();
        return path;
    }

    private static async ValueTask<IReadOnlyList<byte[]>> BuildAsync(ISubtreeHashSource source, List<(ulong Begin, ulong End)> path, CancellationToken cancellationToken)
    {
        if (path.Count == 0)
        {
            return [];
        }

        var subtrees = new List<SubtreeCoordinate>();
        var firstSubtree = new int[path.Count + 1];
        for (var i = 0; i < path.Count; i++)
        {
            firstSubtree[i] = subtrees.Count;
            Decompose(path[i].Begin, path[i].End, subtrees);
        }

        firstSubtree[path.Count] = subtrees.Count;
        var hashes = await FetchAsync(source, subtrees, cancellationToken).ConfigureAwait(false);
        var proof = new byte[path.Count][];
        for (var i = 0; i < path.Count; i++)
        {
            proof[i] = FoldRight(hashes, firstSubtree[i], firstSubtree[i + 1] - firstSubtree[i]);
        }

        return proof;
    }
}
