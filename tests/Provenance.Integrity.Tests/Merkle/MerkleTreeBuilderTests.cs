using System.Numerics;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Tests.Merkle;

public sealed class MerkleTreeBuilderTests
{
    [Fact]
    public void The_builder_root_equals_the_root_of_all_leaves_at_every_size_up_to_100()
    {
        var leaves = TestTrees.LeafHashes(100);
        var builder = new MerkleTreeBuilder();

        for (var size = 0; size <= 100; size++)
        {
            Assert.Equal((ulong)size, builder.Size);
            Assert.Equal(MerkleTree.RootHash(leaves[..size]), builder.RootHash());
            if (size < 100)
            {
                builder.Append(leaves[size]);
            }
        }
    }

    [Fact]
    public void Each_append_emits_the_leaf_and_every_subtree_it_completes_with_its_rfc_hash()
    {
        var leaves = TestTrees.LeafHashes(100);
        var builder = new MerkleTreeBuilder();
        var emitted = new List<SubtreeHash>();

        for (var i = 0; i < leaves.Count; i++)
        {
            var completed = builder.Append(leaves[i]);

            // Leaf i closes one subtree per trailing 1 bit of i, plus the leaf itself.
            Assert.Equal(BitOperations.TrailingZeroCount(i + 1) + 1, completed.Count);
            Assert.Equal(new SubtreeCoordinate(0, (ulong)i), completed[0].Subtree);
            emitted.AddRange(completed);
        }

        Assert.Equal((2 * 100) - BitOperations.PopCount(100U), emitted.Count);
        Assert.Equal(emitted.Count, emitted.Select(s => s.Subtree).Distinct().Count());
        foreach (var (subtree, hash) in emitted)
        {
            var begin = (int)subtree.FirstLeaf;
            Assert.Equal(Rfc9162.Mth(leaves, begin, begin + (int)subtree.LeafCount), hash.ToArray());
        }
    }

    [Fact]
    public async Task A_builder_resumed_from_stored_subtrees_continues_the_same_tree()
    {
        var leaves = TestTrees.LeafHashes(60);
        var source = TestTrees.SourceFor(leaves[..37]);

        var resumed = await MerkleTreeBuilder.ResumeAsync(source, 37);

        Assert.Equal(MerkleTree.RootHash(leaves[..37]), resumed.RootHash());
        foreach (var leaf in leaves[37..])
        {
            resumed.Append(leaf);
        }

        Assert.Equal(60UL, resumed.Size);
        Assert.Equal(MerkleTree.RootHash(leaves), resumed.RootHash());
    }

    [Fact]
    public void A_frontier_of_the_wrong_shape_is_refused()
    {
        var leaf = TestTrees.LeafHashes(1)[0];

        Assert.Throws<ArgumentException>(() => MerkleTreeBuilder.Resume(3, [leaf]));
        Assert.Throws<ArgumentException>(() => MerkleTreeBuilder.Resume(1, [new byte[31]]));
        Assert.Throws<ArgumentException>(() => new MerkleTreeBuilder().Append(new byte[33]));
    }

    [Fact]
    public void The_stored_subtrees_never_change_once_complete()
    {
        var source = new InMemorySubtreeHashSource();
        var builder = new MerkleTreeBuilder();
        foreach (var leaf in TestTrees.LeafHashes(10))
        {
            source.Add(builder.Append(leaf));
        }

        var conflicting = new SubtreeHash(new SubtreeCoordinate(1, 0), new byte[32]);

        Assert.Throws<InvalidOperationException>(() => source.Add([conflicting]));
    }
}
