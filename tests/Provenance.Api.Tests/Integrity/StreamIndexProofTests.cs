using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Api.Tests.Integrity;

/// <summary>
/// #16: GET /streams/{id}/index-proof answers a stream's entry in the stream index of a signed
/// checkpoint, or the proof that there is no such stream, and both check out offline against the
/// root the checkpoint's signed note carries.
/// </summary>
public sealed class StreamIndexProofTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private readonly LineageBuilder _ledger = new(api);

    private async Task<(JsonElement Answer, byte[] SignedRoot)> ProofAsync(Guid stream, long? treeSize = null)
    {
        var answer = await api.Client.GetFromJsonAsync<JsonElement>($"/streams/{stream}/index-proof" + (treeSize is { } size ? $"?treeSize={size}" : ""));
        var checkpoint = await api.Client.GetFromJsonAsync<JsonElement>($"/checkpoints/{answer.GetProperty("treeSize").GetInt64()}");
        // The root comes from the note, checked with the published key: not from the answer.
        var verified = (await Checkpoints.VerifierAsync(api.Client)).Verify(checkpoint.GetProperty("note").GetString()!);
        return (answer, StreamIndexCheckpoint.Root(verified)!);
    }

    private static StreamIndexProof Line(JsonElement answer) => StreamIndexProof.Read(JsonDocument.Parse(answer.GetProperty("line").GetString()!).RootElement);

    [Fact]
    public async Task A_streams_entry_is_proved_against_the_root_the_signed_checkpoint_carries()
    {
        var dataset = await _ledger.DatasetAsync("indexed");
        var protocol = await _ledger.ProtocolAsync("26-001602", [dataset]);
        await Checkpoints.SignAsync(api.Client);

        var (answer, root) = await ProofAsync(dataset);

        Assert.True(answer.GetProperty("present").GetBoolean());
        var entry = answer.GetProperty("entry");
        Assert.Equal(("dataset", 2), (entry.GetProperty("type").GetString(), entry.GetProperty("lastVersion").GetInt64()));
        Assert.Equal(protocol, entry.GetProperty("referencedBy")[0].GetProperty("stream").GetGuid());
        Assert.Equal(Convert.ToBase64String(root), answer.GetProperty("streamIndexRoot").GetString());
        var proof = Line(answer);
        Assert.Null(proof.Verify(root));
        Assert.NotNull((proof with { Entry = proof.Entry! with { LastVersion = 1 } }).Verify(root));
    }

    [Fact]
    public async Task A_stream_that_does_not_exist_is_proved_absent_and_the_proof_cannot_be_reused_for_one_that_does()
    {
        var present = await _ledger.DatasetAsync("present");
        await Checkpoints.SignAsync(api.Client);

        var (answer, root) = await ProofAsync(Guid.CreateVersion7());

        Assert.False(answer.GetProperty("present").GetBoolean());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("entry").ValueKind);
        var absence = Line(answer);
        Assert.Null(absence.Verify(root));
        Assert.NotNull((absence with { Stream = present }).Verify(root));
    }

    [Fact]
    public async Task An_older_checkpoint_answers_the_entry_as_it_stood_then()
    {
        var dataset = await _ledger.DatasetAsync("grows");
        var (before, _, _, _) = await Checkpoints.SignAsync(api.Client);
        await _ledger.PostAsync($"/datasets/{dataset}/retirement", new { reason = "superseded" }, HttpStatusCode.OK);
        await Checkpoints.SignAsync(api.Client);

        var (then, rootThen) = await ProofAsync(dataset, before);
        var (now, rootNow) = await ProofAsync(dataset);

        Assert.Equal(2, then.GetProperty("entry").GetProperty("lastVersion").GetInt64());
        Assert.Equal(3, now.GetProperty("entry").GetProperty("lastVersion").GetInt64());
        Assert.Null(Line(then).Verify(rootThen));
        Assert.Null(Line(now).Verify(rootNow));
    }

    [Fact]
    public async Task A_tree_size_without_a_checkpoint_is_not_found()
    {
        using var response = await api.Client.GetAsync($"/streams/{Guid.CreateVersion7()}/index-proof?treeSize=999999999");

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "not-found");
    }
}
