using System.Security.Cryptography;
using Provenance.Integrity.Checkpoints;
using static Provenance.Integrity.Tests.Checkpoints.SigningKeys;

namespace Provenance.Integrity.Tests.Checkpoints;

public sealed class CheckpointSigningTests : IDisposable
{
    private readonly ECDsa _key = NewP256();
    private readonly CheckpointSigner _signer;
    private readonly CheckpointVerifier _verifier;

    public CheckpointSigningTests()
    {
        _signer = new CheckpointSigner(Origin, _key);
        _verifier = new CheckpointVerifier(_signer.VerifierKey, Origin);
    }

    public void Dispose() => _key.Dispose();

    private CheckpointFailure Rejected(string note) =>
        Assert.Throws<CheckpointVerificationException>(() => _verifier.Verify(note)).Failure;

    [Fact]
    public void A_signed_checkpoint_verifies_and_yields_the_checkpoint()
    {
        var checkpoint = Checkpoint();

        var verified = _verifier.Verify(_signer.Sign(checkpoint));

        Assert.Equal(checkpoint.Origin, verified.Origin);
        Assert.Equal(checkpoint.TreeSize, verified.TreeSize);
        Assert.Equal(checkpoint.RootHash.ToArray(), verified.RootHash.ToArray());
    }

    [Fact]
    public void The_signed_note_is_the_body_a_blank_line_and_one_em_dash_signature_line()
    {
        var checkpoint = Checkpoint();

        var note = _signer.Sign(checkpoint);

        var body = checkpoint.ToNoteText();
        Assert.StartsWith(body + "\n\u2014 " + Origin + " ", note, StringComparison.Ordinal);
        Assert.EndsWith("\n", note, StringComparison.Ordinal);
        var signature = Convert.FromBase64String(note[(body.Length + 3 + Origin.Length + 1)..^1]);
        var keyId = (uint)(signature[0] << 24 | signature[1] << 16 | signature[2] << 8 | signature[3]);
        Assert.Equal(_signer.VerifierKey.KeyId, keyId);
        Assert.True(_key.VerifyData(System.Text.Encoding.UTF8.GetBytes(body), signature[4..], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void A_checkpoint_with_extension_lines_round_trips()
    {
        var checkpoint = new Checkpoint(Origin, 5, new byte[32], ["Timestamp: 1700000000"]);

        Assert.Equal(["Timestamp: 1700000000"], _verifier.Verify(_signer.Sign(checkpoint)).ExtensionLines);
    }

    [Fact]
    public void An_altered_tree_size_is_rejected()
    {
        var note = _signer.Sign(Checkpoint(1234));

        Assert.Equal(CheckpointFailure.InvalidSignature, Rejected(note.Replace("\n1234\n", "\n1235\n", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_altered_root_hash_is_rejected()
    {
        var checkpoint = Checkpoint();
        var root = Convert.ToBase64String(checkpoint.RootHash.Span);
        var other = Convert.ToBase64String(Checkpoint(99).RootHash.Span);

        Assert.Equal(CheckpointFailure.InvalidSignature, Rejected(_signer.Sign(checkpoint).Replace(root, other, StringComparison.Ordinal)));
    }

    [Fact]
    public void An_altered_signature_is_rejected()
    {
        var note = _signer.Sign(Checkpoint());
        var line = note.LastIndexOf('\u2014');
        var encoded = note[(line + 2 + Origin.Length + 1)..^1];
        var bytes = Convert.FromBase64String(encoded);
        bytes[^1] ^= 0x01;

        Assert.Equal(CheckpointFailure.InvalidSignature, Rejected(note.Replace(encoded, Convert.ToBase64String(bytes), StringComparison.Ordinal)));
    }

    [Fact]
    public void A_signature_by_another_key_under_the_same_name_is_not_accepted()
    {
        using var otherKey = NewP256();
        using var other = new CheckpointSigner(Origin, otherKey);

        Assert.Equal(CheckpointFailure.NoSignatureFromKey, Rejected(other.Sign(Checkpoint())));
    }

    [Fact]
    public void A_signature_under_another_key_name_is_not_accepted()
    {
        using var renamed = new CheckpointSigner("other.example.org/ledger", _key);

        Assert.Equal(CheckpointFailure.NoSignatureFromKey, Rejected(renamed.Sign(Checkpoint())));
    }

    [Fact]
    public void A_verifier_expecting_another_key_name_does_not_accept_the_signature()
    {
        var verifier = new CheckpointVerifier(VerifierKey.FromPublicKey("someone.else", _key), Origin);

        Assert.Equal(CheckpointFailure.NoSignatureFromKey, Assert.Throws<CheckpointVerificationException>(() => verifier.Verify(_signer.Sign(Checkpoint()))).Failure);
    }

    [Fact]
    public void Signatures_from_unknown_keys_are_ignored()
    {
        using var witnessKey = NewP256();
        using var witness = new CheckpointSigner("witness.example.net", witnessKey);
        var checkpoint = Checkpoint();
        var witnessLine = witness.Sign(checkpoint)[(checkpoint.ToNoteText().Length + 1)..];

        var cosigned = _signer.Sign(checkpoint) + witnessLine;

        Assert.Equal(checkpoint.TreeSize, _verifier.Verify(cosigned).TreeSize);
        Assert.Equal(checkpoint.TreeSize, _verifier.Verify(checkpoint.ToNoteText() + "\n" + witnessLine + _signer.Sign(checkpoint)[(checkpoint.ToNoteText().Length + 1)..]).TreeSize);
    }

    [Fact]
    public void A_checkpoint_of_another_log_is_rejected()
    {
        var note = SignRaw(new Checkpoint("another.example.org/log", 1, new byte[32]).ToNoteText(), _key, Origin);

        Assert.Equal(CheckpointFailure.OriginMismatch, Rejected(note));
    }

    [Fact]
    public void A_missing_trailing_newline_is_rejected()
    {
        Assert.Equal(CheckpointFailure.MalformedNote, Rejected(_signer.Sign(Checkpoint())[..^1]));
    }

    [Fact]
    public void An_extra_trailing_newline_is_rejected()
    {
        Assert.Equal(CheckpointFailure.MalformedNote, Rejected(_signer.Sign(Checkpoint()) + "\n"));
    }

    [Fact]
    public void An_extra_blank_line_before_the_signature_is_rejected()
    {
        var checkpoint = Checkpoint();
        var note = _signer.Sign(checkpoint).Insert(checkpoint.ToNoteText().Length, "\n");

        Assert.Throws<CheckpointVerificationException>(() => _verifier.Verify(note));
    }

    [Fact]
    public void A_truncated_note_is_rejected_wherever_it_is_cut()
    {
        var note = _signer.Sign(Checkpoint());

        for (var length = 0; length < note.Length; length++)
        {
            Assert.Throws<CheckpointVerificationException>(() => _verifier.Verify(note[..length]));
        }
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\t")]
    [InlineData("\0")]
    public void Control_characters_anywhere_are_rejected(string control)
    {
        var note = _signer.Sign(Checkpoint());

        Assert.Equal(CheckpointFailure.MalformedNote, Rejected(note.Replace("\n\u2014", control + "\n\u2014", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("-- ")]
    [InlineData("\u2014")]
    [InlineData("\u2013 ")]
    public void A_signature_line_without_the_em_dash_and_space_is_rejected(string prefix)
    {
        var note = _signer.Sign(Checkpoint()).Replace("\u2014 ", prefix, StringComparison.Ordinal);

        Assert.Equal(CheckpointFailure.MalformedNote, Rejected(note));
    }

    [Fact]
    public void A_signed_text_that_is_not_a_canonical_checkpoint_is_rejected()
    {
        var root = Convert.ToBase64String(new byte[32]);

        Assert.Equal(CheckpointFailure.MalformedCheckpoint, Rejected(SignRaw($"{Origin}\n01234\n{root}\n", _key, Origin)));
        Assert.Equal(CheckpointFailure.MalformedCheckpoint, Rejected(SignRaw($"{Origin}\n1234\n{Convert.ToBase64String(new byte[31])}\n", _key, Origin)));
        Assert.Equal(CheckpointFailure.MalformedCheckpoint, Rejected(SignRaw($"{Origin}\n1234\n", _key, Origin)));
    }

    [Fact]
    public void A_signer_loads_a_pkcs8_pem_private_key()
    {
        var pem = _key.ExportPkcs8PrivateKeyPem();

        using var signer = CheckpointSigner.FromPem(Origin, pem);

        Assert.Equal(_signer.VerifierKey.ToString(), signer.VerifierKey.ToString());
        Assert.Equal(1234UL, _verifier.Verify(signer.Sign(Checkpoint())).TreeSize);
    }

    [Fact]
    public void A_signer_refuses_public_keys_other_curves_and_bad_names()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<ArgumentException>(() => CheckpointSigner.FromPem(Origin, _key.ExportSubjectPublicKeyInfoPem()));
        Assert.Throws<ArgumentException>(() => CheckpointSigner.FromPem(Origin, "not a pem"));
        Assert.Throws<ArgumentException>(() => CheckpointSigner.FromPem(Origin, p384.ExportPkcs8PrivateKeyPem()));
        Assert.Throws<ArgumentException>(() => new CheckpointSigner(Origin, p384));
        Assert.Throws<ArgumentException>(() => new CheckpointSigner("has space", _key));
        Assert.Throws<ArgumentException>(() => new CheckpointSigner("has+plus", _key));
        Assert.Throws<ArgumentException>(() => new CheckpointSigner("", _key));
    }
}
