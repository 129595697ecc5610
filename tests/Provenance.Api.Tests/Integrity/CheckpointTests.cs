using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Provenance.Api.Integrity;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;
using Provenance.Ledger.Integrity;

using Provenance.Testing;

namespace Provenance.Api.Tests.Integrity;

public sealed class CheckpointTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _client = api.Client;

    [Fact]
    public async Task A_checkpoint_covers_the_whole_log_and_verifies_with_the_published_key()
    {
        await Checkpoints.AppendDatasetsAsync(_client, 3);

        using var response = await _client.PostAsync("/checkpoints", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var size = body.GetProperty("treeSize").GetInt64();
        Assert.Equal(await api.CountEventsAsync(), size);
        Assert.Equal($"/checkpoints/{size}", response.Headers.Location!.OriginalString);
        var key = await _client.GetFromJsonAsync<JsonElement>("/checkpoints/public-key");
        Assert.Equal(Checkpoints.Origin, key.GetProperty("origin").GetString());
        Assert.Equal(Checkpoints.Origin, key.GetProperty("keyName").GetString());
        Assert.Equal("ecdsa-p256-sha256", key.GetProperty("algorithm").GetString());
        var checkpoint = CheckpointVerifier.FromVerifierKey(key.GetProperty("verifierKey").GetString()!, Checkpoints.Origin).Verify(body.GetProperty("note").GetString()!);
        Assert.Equal((ulong)size, checkpoint.TreeSize);
        Assert.Equal(body.GetProperty("rootHash").GetString(), Convert.ToBase64String(checkpoint.RootHash.Span));
        Assert.Equal(key.GetProperty("keyId").GetString(), body.GetProperty("keyId").GetString());
        using var pem = ECDsa.Create();
        pem.ImportFromPem(key.GetProperty("publicKeyPem").GetString());
        Assert.Equal(key.GetProperty("verifierKey").GetString(), VerifierKey.FromPublicKey(Checkpoints.Origin, pem).ToString());
        Assert.Equal(body.GetProperty("note").GetString(), (await _client.GetFromJsonAsync<JsonElement>($"/checkpoints/{size}")).GetProperty("note").GetString());
        Assert.Equal(body.GetProperty("note").GetString(), (await _client.GetFromJsonAsync<JsonElement>("/checkpoints/latest")).GetProperty("note").GetString());
    }

    [Fact]
    public async Task Signing_again_without_new_events_returns_the_stored_checkpoint_with_200()
    {
        await Checkpoints.AppendDatasetsAsync(_client, 1);
        var (_, _, first, _) = await Checkpoints.SignAsync(_client);

        var (_, _, second, status) = await Checkpoints.SignAsync(_client);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(first.GetProperty("note").GetString(), second.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Inclusion_proofs_of_first_middle_and_last_events_verify_against_checkpoints_of_several_sizes()
    {
        await Checkpoints.AppendDatasetsAsync(_client, 5);
        var (size1, root1, _, _) = await Checkpoints.SignAsync(_client);
        await Checkpoints.AppendDatasetsAsync(_client, 6);
        var (size2, root2, _, _) = await Checkpoints.SignAsync(_client);

        foreach (var (size, root) in new[] { (size1, root1), (size2, root2) })
        {
            foreach (var position in new[] { 1, (size + 1) / 2, size }.Distinct())
            {
                await Checkpoints.VerifyInclusionAsync(_client, position, size, root);
            }
        }

        // Without ?treeSize the proof is against the latest checkpoint.
        var latest = await _client.GetFromJsonAsync<JsonElement>("/checkpoints/latest");
        var latestSize = latest.GetProperty("treeSize").GetInt64();
        await Checkpoints.VerifyInclusionAsync(_client, 2, latestSize, Convert.FromBase64String(latest.GetProperty("rootHash").GetString()!), explicitSize: false);
    }

    [Fact]
    public async Task The_envelope_in_an_inclusion_proof_is_the_stored_event_canonicalized()
    {
        await Checkpoints.AppendDatasetsAsync(_client, 1);
        var (size, root, _, _) = await Checkpoints.SignAsync(_client);

        var proof = await Checkpoints.VerifyInclusionAsync(_client, size, size, root);

        var raw = await api.Service<PostgresEventStore>().ReadRawEventAsync(size);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(EventEnvelope.ToCanonicalBytes(raw!)), proof.GetProperty("envelope").GetString());
        var envelope = JsonDocument.Parse(proof.GetProperty("envelope").GetString()!).RootElement;
        Assert.Equal("dataset.registered", envelope.GetProperty("type").GetString());
        Assert.Equal(raw!.EventId.ToString(), envelope.GetProperty("id").GetString());
        Assert.Equal("Integrity test dataset 0", envelope.GetProperty("data").GetProperty("name").GetString());
        Assert.EndsWith("Z", envelope.GetProperty("recordedAt").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consistency_proof_between_two_checkpoints_verifies_with_both_roots()
    {
        await Checkpoints.AppendDatasetsAsync(_client, 3);
        var (size1, root1, _, _) = await Checkpoints.SignAsync(_client);
        await Checkpoints.AppendDatasetsAsync(_client, 4);
        var (size2, root2, _, _) = await Checkpoints.SignAsync(_client);

        var proof = await _client.GetFromJsonAsync<JsonElement>($"/checkpoints/consistency-proof?from={size1}&to={size2}");
        var same = await _client.GetFromJsonAsync<JsonElement>($"/checkpoints/consistency-proof?from={size2}&to={size2}");

        Assert.Equal(Convert.ToBase64String(root2), proof.GetProperty("toRootHash").GetString());
        MerkleTree.VerifyConsistency((ulong)size1, (ulong)size2, Checkpoints.Hashes(proof.GetProperty("proof")), root1, root2);
        Assert.Empty(Checkpoints.Hashes(same.GetProperty("proof")));
        Assert.Throws<MerkleProofException>(() =>
            MerkleTree.VerifyConsistency((ulong)size1, (ulong)size2, Checkpoints.Hashes(proof.GetProperty("proof")), root2, root1));
    }

    [Fact]
    public async Task Proof_requests_outside_the_signed_tree_are_refused_naming_the_field()
    {
        await Checkpoints.AppendDatasetsAsync(_client, 2);
        var (size, _, _, _) = await Checkpoints.SignAsync(_client);
        await Checkpoints.AppendDatasetsAsync(_client, 1);

        var beyond = await Problems.AssertAsync(await _client.GetAsync($"/events/{size + 1}/inclusion-proof?treeSize={size}"), HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Contains("at most the checkpoint's tree size", Assert.Single(Problems.Reasons(beyond, "position")), StringComparison.Ordinal);
        Assert.Single(Problems.Reasons(await Problems.AssertAsync(await _client.GetAsync("/events/0/inclusion-proof"), HttpStatusCode.UnprocessableEntity, "validation-failed"), "position"));
        await Problems.AssertAsync(await _client.GetAsync($"/events/1/inclusion-proof?treeSize={size + 1}"), HttpStatusCode.NotFound, "not-found");
        await Problems.AssertAsync(await _client.GetAsync("/events/1/inclusion-proof?treeSize=lots"), HttpStatusCode.BadRequest, "malformed-request");
        await Problems.AssertAsync(await _client.GetAsync($"/checkpoints/{size + 1}"), HttpStatusCode.NotFound, "not-found");
        Assert.Single(Problems.Reasons(await Problems.AssertAsync(await _client.GetAsync("/checkpoints/-1"), HttpStatusCode.UnprocessableEntity, "validation-failed"), "treeSize"));
        Assert.Single(Problems.Reasons(await Problems.AssertAsync(await _client.GetAsync($"/checkpoints/consistency-proof?from=0&to={size}"), HttpStatusCode.UnprocessableEntity, "validation-failed"), "from"));
        Assert.Single(Problems.Reasons(await Problems.AssertAsync(await _client.GetAsync($"/checkpoints/consistency-proof?from={size}"), HttpStatusCode.UnprocessableEntity, "validation-failed"), "to"));
        Assert.Single(Problems.Reasons(await Problems.AssertAsync(await _client.GetAsync($"/checkpoints/consistency-proof?from={size}&to=1"), HttpStatusCode.UnprocessableEntity, "validation-failed"), "to"));
        await Problems.AssertAsync(await _client.GetAsync($"/checkpoints/consistency-proof?from=1&to={size + 1}"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_root_that_is_not_the_stored_trees_is_never_signed()
    {
        await Checkpoints.AppendDatasetsAsync(_client, 2);
        var head = await api.Service<MerkleIntegrator>().CatchUpAsync(long.MaxValue);
        var forged = SHA256.HashData("a forged root"u8);

        var error = await Assert.ThrowsAsync<LogIntegrityException>(() =>
            api.Service<CheckpointService>().SignAndStoreAsync(new TreeHead(head.Size, forged), CancellationToken.None));

        Assert.Contains("not the root of the stored Merkle tree", error.Message, StringComparison.Ordinal);
        await Problems.AssertAsync(await _client.GetAsync($"/checkpoints/{head.Size}"), HttpStatusCode.NotFound, "not-found");
        var (signed, _, _, status) = await Checkpoints.SignAsync(_client);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(head.Size, signed);
    }

    [Fact]
    public async Task The_tree_is_reported_beside_the_projections_and_catches_up_with_the_log()
    {
        await Checkpoints.AppendDatasetsAsync(_client, 2);
        var tree = await Eventually.ReturnsAsync(
            async () => (await _client.GetFromJsonAsync<JsonElement>("/admin/projections")).EnumerateArray()
                .Single(s => s.GetProperty("name").GetString() == "merkle-tree"),
            t => t.GetProperty("lag").GetInt64() == 0, "the Merkle tree catches up with the log", TimeSpan.FromSeconds(10));

        Assert.Equal("integrity", tree.GetProperty("mode").GetString());
        Assert.Equal(0, tree.GetProperty("lag").GetInt64());
        Assert.Equal(await api.CountEventsAsync(), tree.GetProperty("checkpoint").GetInt64());
    }
}
