using System.Text.Json;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Tests.Merkle;

/// <summary>
/// The RFC 9162 proof vectors of <c>rfc9162-merkle/inclusion</c> and <c>consistency</c>: every
/// <c>wantErr: false</c> case verifies and every <c>wantErr: true</c> case is rejected.
/// </summary>
public sealed class Rfc9162VectorTests
{
    public static TheoryData<string> InclusionVectors() => ConformanceVectors.FilesUnder("rfc9162-merkle/inclusion");

    public static TheoryData<string> ConsistencyVectors() => ConformanceVectors.FilesUnder("rfc9162-merkle/consistency");

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public void Inclusion_vector(string vector)
    {
        using var document = Read("inclusion", vector);
        var v = document.RootElement;

        void Verify() => MerkleTree.VerifyInclusion(
            v.GetProperty("leafIdx").GetUInt64(),
            v.GetProperty("treeSize").GetUInt64(),
            v.GetProperty("leafHash").GetBytesFromBase64(),
            Proof(v),
            v.GetProperty("root").GetBytesFromBase64());

        Check(v, Verify);
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public void Consistency_vector(string vector)
    {
        using var document = Read("consistency", vector);
        var v = document.RootElement;

        void Verify() => MerkleTree.VerifyConsistency(
            v.GetProperty("size1").GetUInt64(),
            v.GetProperty("size2").GetUInt64(),
            Proof(v),
            v.GetProperty("root1").GetBytesFromBase64(),
            v.GetProperty("root2").GetBytesFromBase64());

        Check(v, Verify);
    }

    private static void Check(JsonElement vector, Action verify)
    {
        if (vector.GetProperty("wantErr").GetBoolean())
        {
            Assert.Throws<MerkleProofException>(verify);
        }
        else
        {
            verify();
        }
    }

    private static JsonDocument Read(string kind, string vector) =>
        JsonDocument.Parse(File.ReadAllBytes(ConformanceVectors.PathOf(["rfc9162-merkle", kind, .. vector.Split('/')])));

    // A missing (null) proof is an empty one.
    private static byte[][] Proof(JsonElement vector) =>
        vector.GetProperty("proof") is { ValueKind: JsonValueKind.Array } proof
            ? proof.EnumerateArray().Select(e => e.GetBytesFromBase64()).ToArray()
            : [];
}
