using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Witnessing;

namespace Provenance.Witness.Tests;

/// <summary>
/// #17: the witness of C2SP tlog-witness. It cosigns a log's checkpoint only when the log signed it
/// and it is proved consistent with the last one it cosigned; it refuses the rest with the
/// protocol's status codes, never cosigns two trees of one size, never moves back, and keeps its
/// state across restarts.
/// </summary>
public sealed class WitnessTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("provenance-witness-tests-");
    private readonly WitnessSigner _signer = WitnessSigner.Generate("witness.example.org/w1");
    private readonly WitnessedLog _log = new();
    private Witness? _witness;

    private Witness Current => _witness ??= Open();

    [Fact]
    public void A_first_checkpoint_is_cosigned_from_size_zero_and_the_line_verifies_over_the_checkpoint_text()
    {
        _log.Append(10);
        var answer = Current.AddCheckpoint(_log.Request(0));

        Assert.Equal(200, answer.Status);
        var note = _log.Checkpoint() + answer.Body;
        var check = CosignedNote.Check(note, [_signer.VerifierKey]);
        var (witness, cosignature) = Assert.Single(check.Cosigned);
        Assert.Equal(_signer.VerifierKey.Name, witness.Name);
        Assert.InRange(cosignature.Time, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(10UL, Current.Latest(_log.Origin)!.Size);
        // The log's own signature still verifies beside it.
        Assert.Equal(10UL, new CheckpointVerifier(_log.VerifierKey, _log.Origin).Verify(note).TreeSize);
    }

    [Fact]
    public void A_consistent_larger_checkpoint_is_cosigned_with_the_proof_from_the_size_the_witness_holds()
    {
        Assert.Equal(200, Current.AddCheckpoint(_log.Append(7).Request(0)).Status);
        Assert.Equal(200, Current.AddCheckpoint(_log.Append(25).Request(7)).Status);
        Assert.Equal(200, Current.AddCheckpoint(_log.Append(1).Request(32)).Status);

        Assert.Equal(33UL, Current.Latest(_log.Origin)!.Size);
        Assert.Equal(Convert.ToBase64String(_log.Root(33)), Current.Latest(_log.Origin)!.RootHash);
    }

    [Fact]
    public void An_inconsistent_checkpoint_is_refused_422_and_the_state_stays()
    {
        Assert.Equal(200, Current.AddCheckpoint(_log.Append(12).Request(0)).Status);
        using var fork = _log.Fork(8).Append(10, "rewritten");

        // The fork's proof from 12 is of its own tree: it does not lead from the root the witness cosigned.
        var answer = Current.AddCheckpoint(new AddCheckpointRequest(12, fork.Proof(12, fork.Size), fork.Checkpoint()).Format());

        Assert.Equal(422, answer.Status);
        Assert.Contains("does not verify", answer.Body, StringComparison.Ordinal);
        Assert.Equal(12UL, Current.Latest(_log.Origin)!.Size);
    }

    [Fact]
    public void A_checkpoint_of_the_same_size_with_another_root_is_refused_409_and_kept_as_evidence_of_a_split_view()
    {
        Assert.Equal(200, Current.AddCheckpoint(_log.Append(9).Request(0)).Status);
        using var fork = _log.Fork(5).Append(4, "other history");

        var answer = Current.AddCheckpoint(new AddCheckpointRequest(9, [], fork.Checkpoint()).Format());

        Assert.Equal(409, answer.Status);
        Assert.Equal("9\n", answer.Body);
        Assert.Equal(AddCheckpointRequest.SizeMediaType, answer.ContentType);
        Assert.Equal(Convert.ToBase64String(_log.Root(9)), Current.Latest(_log.Origin)!.RootHash);
        var evidence = File.ReadAllText(Path.Combine(_state.FullName, "split-views.ndjson"));
        Assert.Contains(Convert.ToBase64String(_log.Root(9)), evidence, StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(fork.Root(9)), evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_checkpoint_again_is_cosigned_again_without_moving()
    {
        Assert.Equal(200, Current.AddCheckpoint(_log.Append(4).Request(0)).Status);
        var again = Current.AddCheckpoint(_log.Request(4));

        Assert.Equal(200, again.Status);
        Assert.Single(CosignedNote.Check(_log.Checkpoint() + again.Body, [_signer.VerifierKey]).Cosigned);
    }

    [Fact]
    public void A_stale_old_size_is_refused_409_with_the_size_the_witness_holds()
    {
        Assert.Equal(200, Current.AddCheckpoint(_log.Append(6).Request(0)).Status);
        Assert.Equal(200, Current.AddCheckpoint(_log.Append(6).Request(6)).Status);

        var stale = Current.AddCheckpoint(_log.Append(3).Request(6));

        Assert.Equal(409, stale.Status);
        Assert.Equal("12\n", stale.Body);
        Assert.Equal("text/x.tlog.size", stale.ContentType);
        Assert.Equal(12UL, Current.Latest(_log.Origin)!.Size);
    }

    [Fact]
    public void A_smaller_checkpoint_than_the_one_cosigned_is_refused_and_the_witness_never_moves_back()
    {
        Assert.Equal(200, Current.AddCheckpoint(_log.Append(20).Request(0)).Status);

        // Old size as the witness holds it, new checkpoint smaller: rolled back.
        var rolledBack = Current.AddCheckpoint(new AddCheckpointRequest(20, [], _log.Checkpoint(15)).Format());
        // Or claiming the witness holds the smaller one: it does not.
        var pretended = Current.AddCheckpoint(new AddCheckpointRequest(15, [], _log.Checkpoint(15)).Format());

        Assert.Equal(400, rolledBack.Status);
        Assert.Equal(409, pretended.Status);
        Assert.Equal("20\n", pretended.Body);
        Assert.Equal(20UL, Current.Latest(_log.Origin)!.Size);
    }

    [Fact]
    public void An_unknown_log_is_refused_404()
    {
        using var other = new WitnessedLog("other.example.org/log");
        var answer = Current.AddCheckpoint(other.Append(3).Request(0));

        Assert.Equal(404, answer.Status);
        Assert.Null(Current.Latest(other.Origin));
    }

    [Fact]
    public void A_checkpoint_the_log_did_not_sign_is_refused_403()
    {
        // Same origin and key name, another key: a forger's signature.
        using var forger = new WitnessedLog(_log.Origin);
        var forged = Current.AddCheckpoint(forger.Append(5).Request(0));

        // The log's signature over other text: the size or root changed after signing.
        _log.Append(5);
        var altered = Current.AddCheckpoint(_log.Request(0).Replace("\n5\n", "\n6\n", StringComparison.Ordinal));

        Assert.Equal(403, forged.Status);
        Assert.Equal(403, altered.Status);
        Assert.Null(Current.Latest(_log.Origin));
    }

    [Theory]
    [InlineData("")]
    [InlineData("old 01\n\nnote")]
    [InlineData("old -1\n\nnote")]
    [InlineData("new 5\n\nnote")]
    [InlineData("old 5\nnot base64!\n\nnote")]
    [InlineData("old 5\nAAAA\n\nnote")]
    [InlineData("old 5\n")]
    public void A_body_that_is_not_an_add_checkpoint_request_is_refused_400(string body)
    {
        Assert.Equal(400, Current.AddCheckpoint(body).Status);
    }

    [Fact]
    public void A_proof_of_more_than_63_lines_is_refused_400()
    {
        _log.Append(3);
        var hashes = Enumerable.Range(0, 64).Select(_ => new byte[32]).ToList();
        Assert.Equal(400, Current.AddCheckpoint(new AddCheckpointRequest(1, hashes, _log.Checkpoint()).Format()).Status);
    }

    [Fact]
    public void A_proof_from_size_zero_must_be_empty()
    {
        _log.Append(8);
        var answer = Current.AddCheckpoint(new AddCheckpointRequest(0, _log.Proof(4, 8), _log.Checkpoint()).Format());

        Assert.Equal(422, answer.Status);
    }

    [Fact]
    public void The_state_survives_a_restart_and_a_second_witness_cannot_open_it_meanwhile()
    {
        Assert.Equal(200, Current.AddCheckpoint(_log.Append(11).Request(0)).Status);
        Assert.Throws<IOException>(() => Open());

        _witness!.Dispose();
        _witness = Open();

        Assert.Equal(11UL, _witness.Latest(_log.Origin)!.Size);
        var fromZero = _witness.AddCheckpoint(_log.Append(2).Request(0));
        Assert.Equal(409, fromZero.Status);
        Assert.Equal("11\n", fromZero.Body);
        Assert.Equal(200, _witness.AddCheckpoint(_log.Request(11)).Status);
    }

    public void Dispose()
    {
        _witness?.Dispose();
        _signer.Dispose();
        _log.Dispose();
        _state.Delete(recursive: true);
    }

    private Witness Open() =>
        new(new WitnessOptions(_signer, _state.FullName, [_log.VerifierKey]), TimeProvider.System, NullLogger<Witness>.Instance);
}
