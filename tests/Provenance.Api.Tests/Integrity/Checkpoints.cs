using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;

namespace Provenance.Api.Tests.Integrity;

/// <summary>What a client of the integrity endpoints does: fetch, verify, never trust.</summary>
internal static class Checkpoints
{
    public const string Origin = "provenance.example.org/ledger";

    public static async Task<CheckpointVerifier> VerifierAsync(HttpClient client)
    {
        var key = await client.GetFromJsonAsync<JsonElement>("/checkpoints/public-key");
        return CheckpointVerifier.FromVerifierKey(key.GetProperty("verifierKey").GetString()!, key.GetProperty("origin").GetString()!);
    }

    /// <summary>Signs a checkpoint of the whole log now; returns its (verified) size and root.</summary>
    public static async Task<(long Size, byte[] Root, JsonElement Body, HttpStatusCode Status)> SignAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/checkpoints", null);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"POST /checkpoints answered {response.StatusCode}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var checkpoint = (await VerifierAsync(client)).Verify(body.GetProperty("note").GetString()!);
        Assert.Equal((ulong)body.GetProperty("treeSize").GetInt64(), checkpoint.TreeSize);
        Assert.Equal(body.GetProperty("rootHash").GetString(), Convert.ToBase64String(checkpoint.RootHash.Span));
        return ((long)checkpoint.TreeSize, checkpoint.RootHash.ToArray(), body, response.StatusCode);
    }

    /// <summary>Fetches an inclusion proof and verifies it, recomputing the leaf hash from the envelope.</summary>
    public static async Task<JsonElement> VerifyInclusionAsync(HttpClient client, long position, long treeSize, byte[] root, bool explicitSize = true)
    {
        var proof = await client.GetFromJsonAsync<JsonElement>(
            $"/events/{position}/inclusion-proof" + (explicitSize ? $"?treeSize={treeSize}" : ""));
        var envelope = proof.GetProperty("envelope").GetString()!;
        var leafHash = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(envelope));
        Assert.Equal(Convert.ToBase64String(leafHash), proof.GetProperty("leafHash").GetString());
        Assert.Equal(position, proof.GetProperty("position").GetInt64());
        Assert.Equal(position - 1, proof.GetProperty("leafIndex").GetInt64());
        Assert.Equal(treeSize, proof.GetProperty("treeSize").GetInt64());
        Assert.Equal(position, JsonDocument.Parse(envelope).RootElement.GetProperty("position").GetInt64());
        MerkleTree.VerifyInclusion((ulong)position - 1, (ulong)treeSize, leafHash, Hashes(proof.GetProperty("proof")), root);
        return proof;
    }

    public static List<byte[]> Hashes(JsonElement array) => array.EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();

    public static async Task AppendDatasetsAsync(HttpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset($"Integrity test dataset {i}")));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }
}
