using System.Text.Json;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Tests.Merkle;

/// <summary>The RFC 6962/9162 reference tree of <c>rfc9162-merkle/reference-tree.json</c>.</summary>
public sealed class ReferenceTreeTests
{
    private static readonly Lazy<(byte[][] Leaves, byte[][] Roots)> Reference = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(ConformanceVectors.PathOf("rfc9162-merkle", "reference-tree.json")));
        var leaves = document.RootElement.GetProperty("leafInputsHex").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToArray();
        var roots = document.RootElement.GetProperty("rootHashesHexBySize").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToArray();
        return (leaves, roots);
    });

    public static TheoryData<int> Sizes() => [.. Enumerable.Range(0, 9)];

    private static List<byte[]> LeafHashes(int size) => Reference.Value.Leaves.Take(size).Select(l => MerkleTree.LeafHash(l)).ToList();

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_root_of_the_leaf_hashes_is_the_reference_root(int size)
    {
        Assert.Equal(Reference.Value.Roots[size], MerkleTree.RootHash(LeafHashes(size)));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_builder_reaches_the_reference_root(int size)
    {
        var builder = new MerkleTreeBuilder();
        foreach (var leaf in LeafHashes(size))
        {
            builder.Append(leaf);
        }

        Assert.Equal(Reference.Value.Roots[size], builder.RootHash());
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task The_root_from_stored_subtrees_is_the_reference_root(int size)
    {
        var source = TestTrees.SourceFor(LeafHashes(8));

        Assert.Equal(Reference.Value.Roots[size], await MerkleTree.RootHashAsync(source, (ulong)size));
    }

    [Fact]
    public void The_empty_root_is_the_hash_of_the_empty_string()
    {
        Assert.Equal(Reference.Value.Roots[0], MerkleTree.EmptyRootHash.ToArray());
        Assert.Equal(Reference.Value.Roots[0], MerkleTree.RootHash([]));
    }

    [Fact]
    public async Task Generated_proofs_match_the_published_happy_path_proofs()
    {
        var source = TestTrees.SourceFor(LeafHashes(8));

        Assert.Equal(ProofOf("inclusion/1/happy-path.json"), await MerkleTree.InclusionProofAsync(source, 0, 8));
        Assert.Equal(ProofOf("consistency/2/happy-path.json"), await MerkleTree.ConsistencyProofAsync(source, 6, 8));
    }

    private static byte[][] ProofOf(string vector)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(ConformanceVectors.PathOf(["rfc9162-merkle", .. vector.Split('/')])));
        return document.RootElement.GetProperty("proof").EnumerateArray().Select(e => e.GetBytesFromBase64()).ToArray();
    }
}
