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

    private readonly Leaf[] _leaves;
    private readonly List<(int Left, int Right)> _nodes = [];
    private readonly List<byte[]> _nodeHashes = [];
    private readonly int _root;
    private readonly Dictionary<Guid, int> _byStream;

    internal StreamMap(long treeSize, Leaf[] leaves)
    {
        TreeSize = treeSize;
        Array.Sort(leaves, static (a, b) => a.CompareTo(b));
        _leaves = leaves;
        _byStream = new Dictionary<Guid, int>(leaves.Length);
        for (var i = 0; i < leaves.Length; i++)
        {
            _byStream[leaves[i].Entry.Stream] = i;
        }

        _root = Build(0, leaves.Length, 0);
        Root = HashOf(_root);
    }

    /// <summary>The tree size (the log position) the index is at.</summary>
    public long TreeSize { get; }

    /// <summary>How many streams the map holds.</summary>
    public int Count => _leaves.Length;

    /// <summary>The map's root hash, carried by the checkpoint of <see cref="TreeSize"/>.</summary>
    public byte[] Root { get; }

    /// <summary>Every stream of the map, in key order.</summary>
    public IEnumerable<Guid> AllStreams => _leaves.Select(l => l.Entry.Stream);

    /// <summary>A stream's entry, or null when the map holds no such stream.</summary>
    public StreamIndexEntry? Find(Guid stream) => _byStream.TryGetValue(stream, out var i) ? _leaves[i].Entry : null;

    /// <summary>Proves a stream's entry against <see cref="Root"/>, or its absence.</summary>
    public StreamIndexProof Prove(Guid stream)
    {
        var key = StreamIndexHashing.Key(stream);
        var siblings = new List<byte[]>();
        var node = _root;
        var depth = 0;
        while (node >= 0)
        {
            var (left, right) = _nodes[node];
            var (next, sibling) = StreamIndexHashing.Bit(key, depth) == 0 ? (left, right) : (right, left);
            siblings.Add(HashOf(sibling));
            node = next;
            depth++;
        }

        siblings.Reverse();
        if (node == Empty)
        {
            return new StreamIndexProof(stream, null, null, siblings);
        }

        var leaf = _leaves[LeafIndex(node)];
        return leaf.Entry.Stream == stream
            ? new StreamIndexProof(stream, leaf.Entry, null, siblings)
            : new StreamIndexProof(stream, null, new StreamIndexNeighbor(leaf.Key, leaf.Entry.Hash()), siblings);
    }

    // A reference is an inner node (>= 0), a leaf (<= -2: -2 - its index) or the empty subtree (-1).
    private static int LeafIndex(int reference) => -2 - reference;

    private byte[] HashOf(int reference) => reference switch
    {
        Empty => new byte[StreamIndexHashing.HashSize],
        >= 0 => _nodeHashes[reference],
        _ => _leaves[LeafIndex(reference)].Hash,
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
        var (from, to) = (lo, hi);
        while (from < to)
        {
            var probe = from + ((to - from) / 2);
            if (StreamIndexHashing.Bit(_leaves[probe].Key, depth) == 0)
            {
                from = probe + 1;
            }
            else
            {
                to = probe;
            }
        }

        var left = Build(lo, from, depth + 1);
        var right = Build(from, hi, depth + 1);
        _nodes.Add((left, right));
        _nodeHashes.Add(StreamIndexHashing.Node(HashOf(left), HashOf(right)));
        return _nodes.Count - 1;
    }

    /// <summary>A stream's leaf: its key (also as four big-endian words, for sorting), its leaf hash and its entry.</summary>
    internal readonly record struct Leaf(ulong K0, ulong K1, ulong K2, ulong K3, byte[] Key, byte[] Hash, StreamIndexEntry Entry)
    {
        public int CompareTo(Leaf other) =>
            K0 != other.K0 ? K0.CompareTo(other.K0) : K1 != other.K1 ? K1.CompareTo(other.K1) : K2 != other.K2 ? K2.CompareTo(other.K2) : K3.CompareTo(other.K3);
    }
}
