using System.Text.Json;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Tests.Merkle;

/// <summary>
/// A multiproof (audit bundle format 3) and its fold: the proved leaves and the proof's subtrees,
/// left to right, fold to the tree's root, and nothing else does.
/// </summary>
public sealed class MultiproofTests
{
    /// <summary>The RFC 9162 inclusion vectors that verify (<c>wantErr: false</c>).</summary>
    public static TheoryData<string> ValidInclusionVectors()
    {
        var valid = new TheoryData<string>();
        foreach (var vector in ((IEnumerable<object[]>)ConformanceVectors.FilesUnder("rfc9162-merkle/inclusion")).Select(row => (string)row[0]))
        {
            using var document = Read(vector);
            if (!document.RootElement.GetProperty("wantErr").GetBoolean())
            {
                valid.Add(vector);
            }
        }

        return valid;
    }

    private static JsonDocument Read(string vector) =>
        JsonDocument.Parse(File.ReadAllBytes(ConformanceVectors.PathOf(["rfc9162-merkle", "inclusion", .. vector.Split('/')])));

    private static byte[] Fold(ulong treeSize, IReadOnlyList<byte[]> leafHashes, IReadOnlyList<ulong> leaves, IReadOnlyList<byte[]> proof)
    {
        var fold = new MultiproofFold(treeSize);
        var nodes = new List<(ulong Begin, ulong End)>();
        var next = 0;

        void Gap(ulong end)
        {
            nodes.Clear();
            Multiproof.GapNodes(fold.Next, end, treeSize, nodes);
            foreach (var (begin, stop) in nodes)
            {
                fold.Add(begin, stop, proof[next++]);
            }
        }

        foreach (var leaf in leaves)
        {
            Gap(leaf);
            fold.AddLeaf(leaf, leafHashes[(int)leaf]);
        }

        Gap(treeSize);
        Assert.Equal(proof.Count, next);
        return fold.Root();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(257)]
    public async Task Any_set_of_leaves_folds_to_the_root(int size)
    {
        var leafHashes = TestTrees.LeafHashes(size);
        var source = TestTrees.SourceFor(leafHashes);
        var root = MerkleTree.RootHash(leafHashes);
        var random = new Random(size);
        for (var round = 0; round < 40; round++)
        {
            var density = random.NextDouble();
            var leaves = Enumerable.Range(0, size).Where(_ => random.NextDouble() < density).Select(i => (ulong)i).ToList();
            var proof = await Multiproof.ProveAsync(new CountingSource(source, (ulong)size), leaves, (ulong)size);

            Assert.Equal(root, Fold((ulong)size, leafHashes, leaves, proof));
        }
    }

    [Fact]
    public async Task No_leaf_is_proved_by_the_root_alone()
    {
        var leafHashes = TestTrees.LeafHashes(37);
        var proof = await Multiproof.ProveAsync(TestTrees.SourceFor(leafHashes), [], 37);

        Assert.Equal(MerkleTree.RootHash(leafHashes), Assert.Single(proof));
        Assert.Equal(MerkleTree.EmptyRootHash.ToArray(), new MultiproofFold(0).Root());
    }

    [Theory]
    [InlineData(1000, 0, 1000)]
    [InlineData(1000, 1, 999)]
    [InlineData(1_000_042, 123_457, 987_655)]
    [InlineData(1_000_042, 0, 1_000_041)]
    public void A_run_of_consecutive_leaves_needs_at_most_two_hashes_a_level(ulong treeSize, ulong first, ulong end)
    {
        var nodes = new List<(ulong Begin, ulong End)>();
        Multiproof.GapNodes(0, first, treeSize, nodes);
        Multiproof.GapNodes(end, treeSize, treeSize, nodes);

        var levels = (int)Math.Ceiling(Math.Log2(treeSize));
        Assert.InRange(nodes.Count, 0, 2 * levels);
        Assert.All(nodes, n => Assert.True(Multiproof.IsNode(n.Begin, n.End, treeSize), $"{n} is a subtree of the tree"));
        Assert.Equal((first + treeSize - end), nodes.Aggregate(0UL, (sum, n) => sum + (n.End - n.Begin)));
    }

    [Fact]
    public async Task A_changed_leaf_or_proof_hash_does_not_fold_to_the_root()
    {
        const int size = 300;
        var leafHashes = TestTrees.LeafHashes(size);
        var root = MerkleTree.RootHash(leafHashes);
        var leaves = Enumerable.Range(0, size).Where(i => i % 7 is 0 or 1 or 2).Select(i => (ulong)i).ToList();
        var proof = await Multiproof.ProveAsync(TestTrees.SourceFor(leafHashes), leaves, size);
        Assert.Equal(root, Fold(size, leafHashes, leaves, proof));

        for (var i = 0; i < proof.Count; i++)
        {
            var altered = proof.Select(h => h.ToArray()).ToList();
            altered[i][5] ^= 1;
            Assert.NotEqual(root, Fold(size, leafHashes, leaves, altered));
        }

        foreach (var leaf in leaves)
        {
            var altered = leafHashes.Select(h => h.ToArray()).ToList();
            altered[(int)leaf][0] ^= 0x80;
            Assert.NotEqual(root, Fold(size, altered, leaves, proof));
        }
    }

    [Fact]
    public void The_fold_takes_only_the_next_subtree_of_the_tree()
    {
        var fold = new MultiproofFold(8);
        var hash = new byte[MerkleTree.HashSize];

        // [2, 6) has the size of a subtree but is not one; a leaf out of turn is refused.
        Assert.Throws<ArgumentException>(() => fold.Add(0, 3, hash));
        Assert.Throws<ArgumentException>(() => fold.AddLeaf(1, hash));
        fold.Add(0, 2, hash);
        Assert.Throws<ArgumentException>(() => fold.Add(2, 6, hash));
        Assert.Throws<InvalidOperationException>(() => fold.Root());
        fold.Add(2, 4, hash);
        fold.Add(4, 8, hash);
        Assert.True(fold.IsComplete);
    }

    [Theory]
    [InlineData(13, 8, 13, true)]
    [InlineData(13, 12, 13, true)]
    [InlineData(13, 10, 13, false)]
    [InlineData(13, 0, 13, true)]
    [InlineData(13, 8, 12, true)]
    [InlineData(13, 4, 12, false)]
    [InlineData(12, 8, 12, true)]
    [InlineData(12, 12, 13, false)]
    public void A_subtree_is_an_aligned_power_of_two_or_on_the_right_edge(ulong treeSize, ulong begin, ulong end, bool node) =>
        Assert.Equal(node, Multiproof.IsNode(begin, end, treeSize));

    /// <summary>
    /// The multiproof of one leaf holds the hashes of its RFC 9162 inclusion proof, ordered by the
    /// leaves they cover: every valid vector folds to its root that way.
    /// </summary>
    [Theory]
    [MemberData(nameof(ValidInclusionVectors))]
    public void An_rfc_9162_inclusion_proof_ordered_left_to_right_is_the_leafs_multiproof(string vector)
    {
        using var document = Read(vector);
        var v = document.RootElement;
        var (leaf, treeSize) = (v.GetProperty("leafIdx").GetUInt64(), v.GetProperty("treeSize").GetUInt64());
        var proof = v.GetProperty("proof") is { ValueKind: JsonValueKind.Array } p ? p.EnumerateArray().Select(e => e.GetBytesFromBase64()).ToArray() : [];

        // RFC 9162's audit path, deepest sibling first, as leaf ranges.
        var siblings = new List<(ulong Begin, ulong End)>();
        ulong low = 0, high = treeSize;
        while (high - low > 1)
        {
            var split = low + (1UL << (63 - System.Numerics.BitOperations.LeadingZeroCount(high - low - 1)));
            if (leaf < split)
            {
                siblings.Add((split, high));
                high = split;
            }
            else
            {
                siblings.Add((low, split));
                low = split;
            }
        }

        siblings.Reverse();
        Assert.Equal(siblings.Count, proof.Length);
        var nodes = new List<(ulong Begin, ulong End)>();
        Multiproof.GapNodes(0, leaf, treeSize, nodes);
        Multiproof.GapNodes(leaf + 1, treeSize, treeSize, nodes);
        var ordered = siblings.Zip(proof).OrderBy(s => s.First.Begin).ToList();
        Assert.Equal(ordered.Select(s => s.First), nodes);

        var fold = new MultiproofFold(treeSize);
        foreach (var ((begin, end), hash) in ordered.Where(s => s.First.Begin < leaf))
        {
            fold.Add(begin, end, hash);
        }

        fold.AddLeaf(leaf, v.GetProperty("leafHash").GetBytesFromBase64());
        foreach (var ((begin, end), hash) in ordered.Where(s => s.First.Begin > leaf))
        {
            fold.Add(begin, end, hash);
        }

        Assert.Equal(v.GetProperty("root").GetBytesFromBase64(), fold.Root());
    }
}
