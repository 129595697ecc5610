using System.Security.Cryptography;
using Provenance.Integrity.Checkpoints;
using static Provenance.Integrity.Tests.Checkpoints.SigningKeys;

namespace Provenance.Integrity.Tests.Checkpoints;

public sealed class VerifierKeyTests
{
    // Published ECDSA (type 0x02) keys and checkpoints from github.com/transparency-dev/formats,
    // note/note_verifier_test.go (Apache-2.0): the Sigstore Rekor log and the Pixel 6 log. They
    // pin the key ID to what Go verifiers compute.
    private const string RekorKey = "rekor.sigstore.dev+c0d23d6a+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=";
    private const string RekorCheckpoint = "Rekor\n798034\nf+7CoKgXKE/tNys9TTXcr/ad6U/K3xvznmzew9y6SP0=\n\n\u2014 rekor.sigstore.dev wNI9ajBEAiARInWIWyCdyG27CO6LPnPekyw20qO0YJfoaPaowGp/XgIgc+qEHS3+GKVClgqq20uDLet7MCoTURUCRdxwWBHHufk=\n";
    private const string PixelKey = "pixel6_transparency_log+91c16e30+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABN+4x0Jk1yTwvLFI9A4NDdGZcX0aiWVdWM5XJVy0M4VWD3AvyW5Q6Hs9A0mcDkpUoYgn+KKPNzFC0H3nN3q6JQ8=";
    private const string PixelCheckpoint = "DEFAULT\n10\nbsWRucJU5xJPHb5eBdOm6+DM+VelCZBuvtI3sHERJ9Y=\n\n\u2014 pixel6_transparency_log kcFuMDBFAiEAhqMAP8P6qf6QxtUJhzMhbN+MbZ9dwfUHzGQJmffJHtoCIGD0cNe47dHWBoPwYdgBCepB06/+g5O1FmYjXl06owL4\n";

    [Fact]
    public void The_text_form_round_trips()
    {
        using var key = NewP256();
        var verifierKey = VerifierKey.FromPublicKey(Origin, key);

        var parsed = VerifierKey.Parse(verifierKey.ToString());

        Assert.Equal(verifierKey.ToString(), parsed.ToString());
        Assert.Equal(Origin, parsed.Name);
        Assert.Equal(verifierKey.KeyId, parsed.KeyId);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), parsed.SubjectPublicKeyInfo.ToArray());
        Assert.Matches($"^{Origin.Replace(".", "\\.", StringComparison.Ordinal)}\\+[0-9a-f]{{8}}\\+Aj", verifierKey.ToString());
    }

    [Fact]
    public void The_key_id_is_the_truncated_sha256_of_the_spki_as_c2sp_specifies_for_ecdsa()
    {
        using var key = NewP256();
        var spkiHash = SHA256.HashData(key.ExportSubjectPublicKeyInfo());

        var verifierKey = VerifierKey.FromPublicKey(Origin, key);

        Assert.Equal((uint)(spkiHash[0] << 24 | spkiHash[1] << 16 | spkiHash[2] << 8 | spkiHash[3]), verifierKey.KeyId);
    }

    [Fact]
    public void Published_go_verifier_keys_parse_and_round_trip()
    {
        Assert.Equal(RekorKey, VerifierKey.Parse(RekorKey).ToString());
        Assert.Equal(PixelKey, VerifierKey.Parse(PixelKey).ToString());
        Assert.Equal(0xc0d23d6aU, VerifierKey.Parse(RekorKey).KeyId);
    }

    [Fact]
    public void Checkpoints_signed_by_published_logs_verify()
    {
        var rekor = CheckpointVerifier.FromVerifierKey(RekorKey, "Rekor").Verify(RekorCheckpoint);
        var pixel = CheckpointVerifier.FromVerifierKey(PixelKey, "DEFAULT").Verify(PixelCheckpoint);

        Assert.Equal(798034UL, rekor.TreeSize);
        Assert.Equal(10UL, pixel.TreeSize);
    }

    [Fact]
    public void A_published_checkpoint_does_not_verify_under_another_key_name()
    {
        var verifier = new CheckpointVerifier(VerifierKey.Parse(RekorKey.Replace("rekor.sigstore.dev", "bananas.sigstore.dev", StringComparison.Ordinal)), "Rekor");

        Assert.Equal(CheckpointFailure.NoSignatureFromKey, Assert.Throws<CheckpointVerificationException>(() => verifier.Verify(RekorCheckpoint)).Failure);
    }

    [Theory]
    [InlineData("rekor.sigstore.dev+c0d23d6a")]
    [InlineData("rekor.sigstore.dev+00000000+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=")]
    [InlineData("rekor.sigstore.dev+NOT_A_NUMBER+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=")]
    [InlineData("rekor.sigstore.dev+c0d23d6+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=")]
    [InlineData("rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!")]
    [InlineData("rekor.sigstore.dev+12345678+AwEB")]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("+c0d23d6a+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=")]
    [InlineData("rekor sigstore+c0d23d6a+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=")]
    [InlineData("rekor.sigstore.dev+c0d23d6a+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc")]
    public void Malformed_or_unsupported_verifier_keys_are_rejected(string text)
    {
        Assert.Throws<FormatException>(() => VerifierKey.Parse(text));
    }

    [Fact]
    public void A_verifier_key_for_another_curve_is_rejected()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var spki = p384.ExportSubjectPublicKeyInfo();
        var keyId = SHA256.HashData(spki);
        var text = $"log+{Convert.ToHexStringLower(keyId[..4])}+{Convert.ToBase64String([0x02, .. spki])}";

        Assert.Throws<FormatException>(() => VerifierKey.Parse(text));
        Assert.Throws<ArgumentException>(() => VerifierKey.FromPublicKey("log", p384));
    }
}
