namespace Provenance.Integrity.StreamIndex;

/// <summary>
/// The stream index at one tree size as a verifiable map: a sparse Merkle tree over the streams'
/// keys (<see cref="StreamIndexHashing"/>), whose root the signed checkpoint carries. A subtree with
/// no stream hashes to 32 zero bytes, a subtree with one stream to that stream's leaf (so a proof
/// stops where the stream's path leaves every other), and a subtree with more to the node of its two
/// halves. A proof of a stream, or of its absence, is one sibling hash per level above that point:
/// about log2 of the number of streams. Immutable, and safe to read from several threads.
/// </summary>
public sealed class StreamMap
{
    private const int Empty = -1;
    private const int HashSize = StreamIndexHashing.HashSize;

    // Compact, for a ledger of hundreds of thousands of streams (#22): the leaves sorted by key, each
    // naming its slot in the entries (flat arrays, copied from the index as it stood) and in the leaf
    // hashes; the inner nodes (n - 1 that part keys, plus one per level where all of a subtree's keys
    // go the same way) as two flat arrays (children, then 32-byte hashes). No object per stream or node.
    private readonly Leaf[] _leaves;
    private readonly byte[] _leafHashes;
    private readonly StreamEntries _entries;
    private readonly string[] _typeNames;
    private int[] _children;
    private byte[] _nodeHashes;
    private readonly int _root;
    private int _nodeCount;

    internal StreamMap(long treeSize, Leaf[] sortedLeaves, byte[] leafHashes, StreamEntries entries, string[] typeNames)
    {
        TreeSize = treeSize;
        _leaves = sortedLeaves;
        _leafHashes = leafHashes;
        _entries = entries;
        _typeNames = typeNames;
        var inner = Math.Max(1, sortedLeaves.Length + (sortedLeaves.Length / 2));
        _children = new int[2 * inner];
        _nodeHashes = new byte[HashSize * inner];
        _root = Build(0, sortedLeaves.Length, 0);
        Array.Resize(ref _children, 2 * _nodeCount);
        Array.Resize(ref _nodeHashes, HashSize * _nodeCount);
        Root = HashOf(_root).ToArray();
    }

    /// <summary>The tree size (the log position) the index is at.</summary>
    public long TreeSize { get; }

    /// <summary>How many streams the map holds.</summary>
    public int Count => _leaves.Length;

    /// <summary>The map's root hash, carried by the checkpoint of <see cref="TreeSize"/>.</summary>
    public byte[] Root { get; }

    /// <summary>Every stream of the map, in key order.</summary>
    public IEnumerable<Guid> AllStreams => _leaves.Select(l => _entries.Ids[l.Slot]);

    /// <summary>A stream's entry, or null when the map holds no such stream.</summary>
    public StreamIndexEntry? Find(Guid stream)
    {
        var key = Leaf.KeyOf(StreamIndexHashing.Key(stream), -1);
        var (lo, hi) = (0, _leaves.Length - 1);
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var order = _leaves[mid].CompareTo(key);
            if (order == 0)
            {
                return _entries.Entry(_leaves[mid].Slot, _typeNames);
            }

            (lo, hi) = order < 0 ? (mid + 1, hi) : (lo, mid - 1);
        }

        return null;
    }

    /// <summary>Proves a stream's entry against <see cref="Root"/>, or its absence.</summary>
    public StreamIndexProof Prove(Guid stream)
    {
        var key = StreamIndexHashing.Key(stream);
        var siblings = new List<byte[]>();
        var node = _root;
        var depth = 0;
        while (node >= 0)
        {
            var (left, right) = (_children[2 * node], _children[(2 * node) + 1]);
            var (next, sibling) = StreamIndexHashing.Bit(key, depth) == 0 ? (left, right) : (right, left);
            siblings.Add(HashOf(sibling).ToArray());
            node = next;
            depth++;
        }

        siblings.Reverse();
        if (node == Empty)
        {
            return new StreamIndexProof(stream, null, null, siblings);
        }

        var leaf = _leaves[LeafIndex(node)];
        var entry = _entries.Entry(leaf.Slot, _typeNames);
        return entry.Stream == stream
            ? new StreamIndexProof(stream, entry, null, siblings)
            : new StreamIndexProof(stream, null, new StreamIndexNeighbor(leaf.KeyBytes(), entry.Hash()), siblings);
    }

    /// <summary>
    /// The root of the map of <paramref name="sortedLeaves"/> (their hashes at their slots in
    /// <paramref name="leafHashes"/>), as the map of them would have it, without keeping its nodes.
    /// </summary>
    internal static byte[] RootOf(Leaf[] sortedLeaves, byte[] leafHashes)
    {
        var root = new byte[HashSize];
        if (sortedLeaves.Length > 0)
        {
            RootOf(sortedLeaves, leafHashes, 0, sortedLeaves.Length, 0, root);
        }

        return root;
    }

    // The hash of the subtree of sorted leaves (not empty) whose keys share their first `depth` bits, written to `destination`.
    internal static void RootOf(Leaf[] sortedLeaves, byte[] leafHashes, int depth, Span<byte> destination) =>
        RootOf(sortedLeaves, leafHashes, 0, sortedLeaves.Length, depth, destination);

    // The hash of the subtree of the leaves [lo, hi) (not empty) at `depth`, written to `destination`.
    private static void RootOf(Leaf[] leaves, byte[] leafHashes, int lo, int hi, int depth, Span<byte> destination)
    {
        if (hi - lo == 1)
        {
            leafHashes.AsSpan(leaves[lo].Slot * HashSize, HashSize).CopyTo(destination);
            return;
        }

        var part = Part(leaves, lo, hi, depth);
        Span<byte> left = stackalloc byte[HashSize];
        Span<byte> right = stackalloc byte[HashSize];
        if (part == lo)
        {
            StreamIndexHashing.Empty.CopyTo(left);
        }
        else
        {
            RootOf(leaves, leafHashes, lo, part, depth + 1, left);
        }

        if (part == hi)
        {
            StreamIndexHashing.Empty.CopyTo(right);
        }
        else
        {
            RootOf(leaves, leafHashes, part, hi, depth + 1, right);
        }

        StreamIndexHashing.Node(left, right, destination);
    }

    // The first of the leaves [lo, hi) whose key has bit `depth` set (they share the bits before it).
    private static int Part(Leaf[] leaves, int lo, int hi, int depth)
    {
        var (from, to) = (lo, hi);
        while (from < to)
        {
            var probe = from + ((to - from) / 2);
            if (leaves[probe].Bit(depth) == 0)
            {
                from = probe + 1;
            }
            else
            {
                to = probe;
            }
        }

        return from;
    }

    // A reference is an inner node (>= 0), a leaf (<= -2: -2 - its index) or the empty subtree (-1).
    private static int LeafIndex(int reference) => -2 - reference;

    private ReadOnlySpan<byte> HashOf(int reference) => reference switch
    {
        Empty => StreamIndexHashing.Empty,
        >= 0 => _nodeHashes.AsSpan(reference * HashSize, HashSize),
        _ => _leafHashes.AsSpan(_leaves[LeafIndex(reference)].Slot * HashSize, HashSize),
    };

    // The subtree of the leaves [lo, hi), all of whose keys share their first `depth` bits.
    private int Build(int lo, int hi, int depth)
    {
        if (hi == lo)
        {
            return Empty;
        }

        if (hi - lo == 1)
        {
            return -2 - lo;
        }

        // Keys are distinct (SHA-256 of distinct ids), so two of them part before the last bit.
        var from = Part(_leaves, lo, hi, depth);
        var left = Build(lo, from, depth + 1);
        var right = Build(from, hi, depth + 1);
        var node = _nodeCount++;
        if (2 * _nodeCount > _children.Length)
        {
            Array.Resize(ref _children, 2 * _children.Length);
            Array.Resize(ref _nodeHashes, 2 * _nodeHashes.Length);
        }

        (_children[2 * node], _children[(2 * node) + 1]) = (left, right);
        StreamIndexHashing.Node(HashOf(left), HashOf(right), _nodeHashes.AsSpan(node * HashSize, HashSize));
        return node;
    }

    /// <summary>A stream's leaf: its key as four big-endian words, and its slot (in the entries and the leaf hashes).</summary>
    internal readonly record struct Leaf(ulong K0, ulong K1, ulong K2, ulong K3, int Slot)
    {
        /// <summary>A key's four words, with a slot (-1 when only searching).</summary>
        public static Leaf KeyOf(ReadOnlySpan<byte> key, int slot) => new(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(key), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(key[8..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(key[16..]), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(key[24..]), slot);

        public int CompareTo(Leaf other) =>
            K0 != other.K0 ? K0.CompareTo(other.K0) : K1 != other.K1 ? K1.CompareTo(other.K1) : K2 != other.K2 ? K2.CompareTo(other.K2) : K3.CompareTo(other.K3);

        /// <summary>Bit <paramref name="index"/> of the key, from the most significant bit of its first byte.</summary>
        public int Bit(int index)
        {
            var word = (index >> 6) switch { 0 => K0, 1 => K1, 2 => K2, _ => K3 };
            return (int)((word >> (63 - (index & 63))) & 1);
        }

        public byte[] KeyBytes()
        {
            var key = new byte[HashSize];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key, K0);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(8), K1);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(16), K2);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(24), K3);
            return key;
        }
    }
}
