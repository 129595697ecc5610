using System.Security.Cryptography;
using System.Text;

namespace Provenance.Integrity.Checkpoints;

/// <summary>
/// Verifies signed checkpoints from one log against its published <see cref="VerifierKey"/>, as
/// c2sp.org/signed-note prescribes: signature lines from other keys are ignored, a line with this
/// key's name and ID must verify, and at least one must.
/// </summary>
public sealed class CheckpointVerifier
{
    /// <summary>Creates a verifier for checkpoints of the log <paramref name="origin"/> signed with <paramref name="key"/>.</summary>
    /// <param name="key">The log's public key.</param>
    /// <param name="origin">The origin line the checkpoint must carry, so a checkpoint of another log signed with the same key is refused.</param>
    public CheckpointVerifier(VerifierKey key, string origin)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        Key = key;
        Origin = origin;
    }

    /// <summary>The key signatures must come from.</summary>
    public VerifierKey Key { get; }

    /// <summary>The origin the checkpoints must carry.</summary>
    public string Origin { get; }

    /// <summary>Creates a verifier from a verifier key's text form (see <see cref="VerifierKey.Parse"/>).</summary>
    /// <exception cref="FormatException">The text is not a supported verifier key.</exception>
    public static CheckpointVerifier FromVerifierKey(string verifierKey, string origin) => new(VerifierKey.Parse(verifierKey), origin);

    /// <summary>Verifies a signed checkpoint and returns the checkpoint it carries.</summary>
    /// <exception cref="CheckpointVerificationException">The note is malformed, not signed by this key, badly signed, or not a checkpoint of this log.</exception>
    public Checkpoint Verify(string signedNote)
    {
        var (text, signatures) = SignedNote.Parse(signedNote);
        var textBytes = Encoding.UTF8.GetBytes(text);
        var verified = false;
        using (var publicKey = Key.CreatePublicKey())
        {
            foreach (var signature in signatures)
            {
                if (signature.KeyName != Key.Name || signature.KeyId != Key.KeyId)
                {
                    // Another witness or a rotated key: the spec says to ignore it.
                    continue;
                }

                if (!VerifySignature(publicKey, textBytes, signature.Signature))
                {
                    throw new CheckpointVerificationException(CheckpointFailure.InvalidSignature, $"The signature by {Key.Name} ({Key.KeyId:x8}) does not verify.");
                }

                verified = true;
            }
        }

        if (!verified)
        {
            throw new CheckpointVerificationException(CheckpointFailure.NoSignatureFromKey, $"The note carries no signature by {Key.Name} ({Key.KeyId:x8}).");
        }

        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Parse(text);
        }
        catch (FormatException e)
        {
            throw new CheckpointVerificationException(CheckpointFailure.MalformedCheckpoint, $"The signed text is not a checkpoint: {e.Message}", e);
        }

        if (checkpoint.Origin != Origin)
        {
            throw new CheckpointVerificationException(CheckpointFailure.OriginMismatch, $"The checkpoint is for \"{checkpoint.Origin}\", not \"{Origin}\".");
        }

        return checkpoint;
    }

    private static bool VerifySignature(ECDsa publicKey, byte[] text, byte[] signature)
    {
        try
        {
            return publicKey.VerifyData(text, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
