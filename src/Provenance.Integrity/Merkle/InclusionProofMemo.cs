using System.Numerics;
using System.Runtime.CompilerServices;

namespace Provenance.Integrity.Merkle;

/// <summary>
/// Verifies many inclusion proofs against one tree (size and root), as an audit bundle's proofs
/// are (#5): it remembers the nodes that verified proofs have shown to lie on a path to the root,
/// so the next proof stops hashing as soon as its path meets one of them with an equal hash. For
/// leaves in increasing order, a dense run of leaves costs about one node hash per leaf instead of
/// log2(n).
/// </summary>
/// <remarks>
/// <para>
/// Nodes are keyed by (level, index) as the algorithm of RFC 9162 section 2.1.3.2 walks them: at
/// level L the path of leaf i is at index i &gt;&gt; L, and the last index of the level is
/// (n − 1) &gt;&gt; L. A node on the right edge without a sibling carries its hash up unchanged.
/// </para>
/// <para>
/// A proof is accepted only if, where its path meets a remembered node, the hash it computed is
/// that node's hash and every proof hash above is the remembered sibling at its level; so it is
/// accepted exactly when the full algorithm would lead to the root (up to a SHA-256 collision).
/// Each level keeps the node on the last verified path and its sibling, which is all that later
/// leaves need; a leaf out of order is still verified correctly, only with more hashing.
/// </para>
/// </remarks>
internal sealed class InclusionProofMemo
{
    private const ulong Empty = ulong.MaxValue;
    private const int HashSize = MerkleTree.HashSize;

    private readonly ulong _treeSize;
    private readonly int _rootLevel;

    // Two slots per level: [2L] the node on the last verified path, [2L + 1] its sibling.
    private readonly ulong[] _indexes;
    private readonly byte[] _hashes;

    // What the current proof passes below the level where it meets the memo; committed only if it holds.
    private readonly byte[] _pendingNodes;
    private readonly byte[] _pendingSiblings;
    private readonly bool[] _pendingHasSibling;

    /// <param name="treeSize">The tree's size (may be 0: then no proof verifies).</param>
    /// <param name="rootHash">The tree's 32-byte root hash, from a checkpoint the caller trusts.</param>
    public InclusionProofMemo(ulong treeSize, ReadOnlySpan<byte> rootHash)
    {
        MerkleTree.RequireHashSize(rootHash, nameof(rootHash));
        _treeSize = treeSize;
        _rootLevel = treeSize <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount(treeSize - 1);
        var levels = _rootLevel + 1;
        _indexes = new ulong[2 * levels];
        _hashes = new byte[2 * levels * HashSize];
        _pendingNodes = new byte[levels * HashSize];
        _pendingSiblings = new byte[levels * HashSize];
        _pendingHasSibling = new bool[levels];
        Array.Fill(_indexes, Empty);
        _indexes[2 * _rootLevel] = 0;
        rootHash.CopyTo(Slot(2 * _rootLevel));
    }

    /// <summary>How many node hashes the proofs verified so far cost.</summary>
    public long NodeHashes { get; private set; }

    /// <summary>
    /// Verifies that <paramref name="leafHash"/> is leaf <paramref name="leafIndex"/> of the tree,
    /// by its RFC 9162 inclusion proof given as the concatenated 32-byte hashes, deepest first.
    /// </summary>
    /// <returns><see langword="null"/> when the proof holds; otherwise why it does not.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ProofFailure? Verify(ulong leafIndex, ReadOnlySpan<byte> leafHash, ReadOnlySpan<byte> proof)
    {
        if (leafHash.Length != HashSize || proof.Length % HashSize != 0)
        {
            return ProofFailure.HashSizeInvalid;
        }

        if (leafIndex >= _treeSize)
        {
            return ProofFailure.LeafIndexOutOfRange;
        }

        if (proof.Length / HashSize != MerkleTree.InclusionProofSize(leafIndex, _treeSize))
        {
            return ProofFailure.ProofSizeInvalid;
        }

        Span<byte> hash = stackalloc byte[HashSize];
        leafHash.CopyTo(hash);
        ulong index = leafIndex, last = _treeSize - 1;
        var level = 0;
        var metAt = -1;
        var next = 0;
        while (true)
        {
            if (metAt < 0)
            {
                var known = Find(level, index);
                if (known >= 0)
                {
                    if (!Slot(known).SequenceEqual(hash))
                    {
                        return ProofFailure.RootMismatch;
                    }

                    metAt = level;
                }
                else
                {
                    hash.CopyTo(_pendingNodes.AsSpan(level * HashSize, HashSize));
                }
            }

            if (last == 0)
            {
                // The root level; its one node is always remembered, so the path has met the memo.
                break;
            }

            var hasSibling = (index & 1) == 1 || index < last;
            if (hasSibling)
            {
                var sibling = proof.Slice(next, HashSize);
                next += HashSize;
                if (metAt >= 0)
                {
                    var known = Find(level, index ^ 1);
                    if (known < 0)
                    {
                        // Never expected (each level keeps a node and its sibling); stay correct regardless.
                        return VerifyWithoutMemo(leafIndex, leafHash, proof);
                    }

                    if (!Slot(known).SequenceEqual(sibling))
                    {
                        return ProofFailure.RootMismatch;
                    }
                }
                else
                {
                    sibling.CopyTo(_pendingSiblings.AsSpan(level * HashSize, HashSize));
                    if ((index & 1) == 1)
                    {
                        MerkleTree.NodeHash(sibling, hash, hash);
                    }
                    else
                    {
                        MerkleTree.NodeHash(hash, sibling, hash);
                    }

                    NodeHashes++;
                }
            }

            if (metAt < 0)
            {
                _pendingHasSibling[level] = hasSibling;
            }

            index >>= 1;
            last >>= 1;
            level++;
        }

        Remember(leafIndex, metAt);
        return null;
    }

    private void Remember(ulong leafIndex, int levels)
    {
        for (var level = 0; level < levels; level++)
        {
            var index = leafIndex >> level;
            _indexes[2 * level] = index;
            _pendingNodes.AsSpan(level * HashSize, HashSize).CopyTo(Slot(2 * level));
            if (_pendingHasSibling[level])
            {
                _indexes[(2 * level) + 1] = index ^ 1;
                _pendingSiblings.AsSpan(level * HashSize, HashSize).CopyTo(Slot((2 * level) + 1));
            }
            else
            {
                _indexes[(2 * level) + 1] = Empty;
            }
        }
    }

    private ProofFailure? VerifyWithoutMemo(ulong leafIndex, ReadOnlySpan<byte> leafHash, ReadOnlySpan<byte> proof)
    {
        var hashes = new byte[proof.Length / HashSize][];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = proof.Slice(i * HashSize, HashSize).ToArray();
        }

        try
        {
            MerkleTree.VerifyInclusion(leafIndex, _treeSize, leafHash, hashes, Slot(2 * _rootLevel));
            return null;
        }
        catch (MerkleProofException e)
        {
            return e.Failure;
        }
    }

    private int Find(int level, ulong index) =>
        _indexes[2 * level] == index ? 2 * level
        : _indexes[(2 * level) + 1] == index ? (2 * level) + 1
        : -1;

    private Span<byte> Slot(int slot) => _hashes.AsSpan(slot * HashSize, HashSize);
}
