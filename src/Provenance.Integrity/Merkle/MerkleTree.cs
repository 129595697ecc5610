using System.Buffers;
using System.Numerics;
using System.Security.Cryptography;

namespace Provenance.Integrity.Merkle;

/// <summary>
/// The Merkle tree hash of RFC 9162 section 2.1 (the same as RFC 6962) over SHA-256: leaf and node
/// hashes, root hashes, inclusion and consistency proofs, and their verification.
/// </summary>
public static partial class MerkleTree
{
    /// <summary>The size in bytes of every hash in the tree (SHA-256).</summary>
    public const int HashSize = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>The root hash of the empty tree: SHA-256 of the empty string.</summary>
    public static ReadOnlySpan<byte> EmptyRootHash =>
    [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
        0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    ];

    /// <summary>The hash of a leaf: SHA-256(0x00 || <paramref name="leafInput"/>).</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> leafInput)
    {
        var hash = new byte[HashSize];
        LeafHashInto(leafInput, hash);
        return hash;
    }

    /// <summary>The leaf hash of <paramref name="leafInput"/> into <paramref name="destination"/>, without allocating for inputs of up to a few kilobytes.</summary>
    internal static void LeafHashInto(ReadOnlySpan<byte> leafInput, Span<byte> destination)
    {
        // One-shot SHA-256 of a copy with the prefix is faster than an incremental hash of two pieces.
        const int OnStack = 4096;
        var rented = leafInput.Length < OnStack ? null : ArrayPool<byte>.Shared.Rent(leafInput.Length + 1);
        // Exactly as long as it needs to be: a stack buffer is zeroed first, and zeroing 4 KB for an
        // envelope of 1 KB was most of an export's leaf hashing (#22).
        var input = rented is null ? stackalloc byte[leafInput.Length + 1] : rented;
        input[0] = LeafPrefix;
        leafInput.CopyTo(input[1..]);
        SHA256.HashData(input[..(leafInput.Length + 1)], destination);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The hash of an inner node: SHA-256(0x01 || <paramref name="left"/> || <paramref name="right"/>).</summary>
    /// <exception cref="ArgumentException">A child hash is not 32 bytes.</exception>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        RequireHashSize(left, nameof(left));
        RequireHashSize(right, nameof(right));
        var hash = new byte[HashSize];
        NodeHash(left, right, hash);
        return hash;
    }

    /// <summary>
    /// The root hash of the tree whose leaves have these hashes (MTH of RFC 9162 section 2.1.1);
    /// the empty list gives <see cref="EmptyRootHash"/>. Reads every leaf: for a stored log use
    /// <see cref="RootHashAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A leaf hash is not 32 bytes.</exception>
    public static byte[] RootHash(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        foreach (var leaf in leafHashes)
        {
            ArgumentNullException.ThrowIfNull(leaf, nameof(leafHashes));
            RequireHashSize(leaf, nameof(leafHashes));
        }

        return leafHashes.Count == 0 ? EmptyRootHash.ToArray() : RangeHash(leafHashes, 0, leafHashes.Count);
    }

    /// <summary>
    /// The root hash of the first <paramref name="treeSize"/> leaves, from the hashes of at most
    /// 64 complete subtrees (one per set bit of the size) read in one call.
    /// </summary>
    /// <exception cref="InvalidOperationException">The source answered with the wrong number or size of hashes.</exception>
    public static async ValueTask<byte[]> RootHashAsync(ISubtreeHashSource source, ulong treeSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (treeSize == 0)
        {
            return EmptyRootHash.ToArray();
        }

        var subtrees = new List<SubtreeCoordinate>();
        Decompose(0, treeSize, subtrees);
        var hashes = await FetchAsync(source, subtrees, cancellationToken).ConfigureAwait(false);
        return FoldRight(hashes, 0, hashes.Count);
    }

    internal static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination) =>
        DomainSeparatedHash.Pair(NodePrefix, left, right, destination);

    internal static void RequireHashSize(ReadOnlySpan<byte> hash, string parameterName)
    {
        if (hash.Length != HashSize)
        {
            throw new ArgumentException($"A Merkle tree hash is {HashSize} bytes; this one is {hash.Length}.", parameterName);
        }
    }

    /// <summary>The largest power of two strictly below <paramref name="n"/> (n &gt;= 2): RFC 9162's split point k.</summary>
    internal static ulong SplitPoint(ulong n) => 1UL << (63 - BitOperations.LeadingZeroCount(n - 1));

    /// <summary>
    /// Splits the leaves [begin, end) into the perfect subtrees whose right fold is MTH of that range:
    /// the largest first. Holds when begin is a multiple of the largest power of two not above the
    /// range's size, which is true of every range a proof or a root needs.
    /// </summary>
    internal static void Decompose(ulong begin, ulong end, List<SubtreeCoordinate> into)
    {
        var position = begin;
        for (var level = 63; level >= 0; level--)
        {
            var size = 1UL << level;
            if (((end - begin) & size) != 0)
            {
                into.Add(new SubtreeCoordinate(level, position >> level));
                position += size;
            }
        }
    }

    /// <summary>MTH of the range whose perfect subtrees are hashes[start..start+count), largest first.</summary>
    internal static byte[] FoldRight(IReadOnlyList<byte[]> hashes, int start, int count)
    {
        var hash = hashes[start + count - 1].ToArray();
        for (var i = start + count - 2; i >= start; i--)
        {
            NodeHash(hashes[i], hash, hash);
        }

        return hash;
    }

    internal static async ValueTask<IReadOnlyList<byte[]>> FetchAsync(ISubtreeHashSource source, List<SubtreeCoordinate> subtrees, CancellationToken cancellationToken)
    {
        var hashes = await source.GetSubtreeHashesAsync(subtrees, cancellationToken).ConfigureAwait(false);
        if (hashes is null || hashes.Count != subtrees.Count)
        {
            throw new InvalidOperationException($"The subtree hash source returned {hashes?.Count ?? 0} hashes for {subtrees.Count} subtrees.");
        }

        for (var i = 0; i < hashes.Count; i++)
        {
            if (hashes[i] is not { Length: HashSize })
            {
                throw new InvalidOperationException($"The subtree hash source returned a hash of {hashes[i]?.Length ?? 0} bytes for subtree {subtrees[i]}.");
            }
        }

        return hashes;
    }

    private static byte[] RangeHash(IReadOnlyList<byte[]> leafHashes, int begin, int end)
    {
        if (end - begin == 1)
        {
            return leafHashes[begin].ToArray();
        }

        var split = begin + (int)SplitPoint((ulong)(end - begin));
        return NodeHash(RangeHash(leafHashes, begin, split), RangeHash(leafHashes, split, end));
    }
}
