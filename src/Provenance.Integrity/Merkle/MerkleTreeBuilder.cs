using System.Numerics;

namespace Provenance.Integrity.Merkle;

/// <summary>
/// Builds the tree one leaf at a time, keeping only the right frontier (one perfect subtree per set
/// bit of the size, a "compact range"). Each append returns the subtrees it completed, so the caller
/// can store them under (level, index) for <see cref="ISubtreeHashSource"/>; the frontier can be read
/// back from that store to resume after a restart.
/// </summary>
/// <remarks>Not thread-safe: one writer appends, as one writer appends to the log.</remarks>
public sealed class MerkleTreeBuilder
{
    // Hashes of the perfect subtrees that make up the tree so far, largest (leftmost) first.
    private readonly List<byte[]> _frontier = [];

    /// <summary>Starts an empty tree.</summary>
    public MerkleTreeBuilder()
    {
    }

    private MerkleTreeBuilder(ulong size, IEnumerable<byte[]> frontier)
    {
        Size = size;
        _frontier.AddRange(frontier);
    }

    /// <summary>The number of leaves appended.</summary>
    public ulong Size { get; private set; }

    /// <summary>
    /// Resumes a tree of <paramref name="size"/> leaves from the hashes of its frontier: the perfect
    /// subtrees the first <paramref name="size"/> leaves split into, largest first (one per set bit
    /// of the size, from the highest).
    /// </summary>
    /// <exception cref="ArgumentException">The frontier has the wrong number of hashes or a hash is not 32 bytes.</exception>
    public static MerkleTreeBuilder Resume(ulong size, IReadOnlyList<byte[]> frontier)
    {
        ArgumentNullException.ThrowIfNull(frontier);
        if (frontier.Count != BitOperations.PopCount(size))
        {
            throw new ArgumentException($"A tree of {size} leaves has {BitOperations.PopCount(size)} frontier subtrees, not {frontier.Count}.", nameof(frontier));
        }

        foreach (var hash in frontier)
        {
            ArgumentNullException.ThrowIfNull(hash, nameof(frontier));
            MerkleTree.RequireHashSize(hash, nameof(frontier));
        }

        return new MerkleTreeBuilder(size, frontier.Select(h => h.ToArray()));
    }

    /// <summary>Resumes a tree of <paramref name="size"/> leaves by reading its frontier from stored subtrees (one call).</summary>
    public static async ValueTask<MerkleTreeBuilder> ResumeAsync(ISubtreeHashSource source, ulong size, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (size == 0)
        {
            return new MerkleTreeBuilder();
        }

        var subtrees = new List<SubtreeCoordinate>();
        MerkleTree.Decompose(0, size, subtrees);
        var hashes = await MerkleTree.FetchAsync(source, subtrees, cancellationToken).ConfigureAwait(false);
        return Resume(size, hashes);
    }

    /// <summary>
    /// Appends a leaf by its hash (see <see cref="MerkleTree.LeafHash"/>) and returns the subtrees
    /// this completed, smallest first: the leaf itself at level 0, then one more for each level
    /// the new leaf closes.
    /// </summary>
    /// <exception cref="ArgumentException">The hash is not 32 bytes.</exception>
    public IReadOnlyList<SubtreeHash> Append(ReadOnlySpan<byte> leafHash)
    {
        MerkleTree.RequireHashSize(leafHash, nameof(leafHash));
        var hash = leafHash.ToArray();
        var coordinate = new SubtreeCoordinate(0, Size);
        var completed = new List<SubtreeHash> { new(coordinate, hash) };

        // Each trailing 1 bit of the old size is a frontier subtree the same size as the one just
        // completed: they merge into one a level up.
        for (var size = Size; (size & 1) == 1; size >>= 1)
        {
            var left = _frontier[^1];
            _frontier.RemoveAt(_frontier.Count - 1);
            hash = MerkleTree.NodeHash(left, hash);
            coordinate = new SubtreeCoordinate(coordinate.Level + 1, coordinate.Index >> 1);
            completed.Add(new(coordinate, hash));
        }

        _frontier.Add(hash);
        Size++;
        return completed;
    }

    /// <summary>The root hash of the tree of the leaves appended so far.</summary>
    public byte[] RootHash() =>
        _frontier.Count == 0 ? MerkleTree.EmptyRootHash.ToArray() : MerkleTree.FoldRight(_frontier, 0, _frontier.Count);
}
