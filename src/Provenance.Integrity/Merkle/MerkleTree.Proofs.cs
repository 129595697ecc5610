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
