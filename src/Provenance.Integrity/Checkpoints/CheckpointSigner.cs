using System.Security.Cryptography;
using System.Text;

namespace Provenance.Integrity.Checkpoints;

/// <summary>
/// Signs checkpoints as C2SP signed notes with an ECDSA P-256 key (signature type 0x02; see
/// <see cref="VerifierKey"/> for the encoding). The signature is ASN.1 DER over SHA-256 of the
/// note text, which is the checkpoint body including its final newline.
/// </summary>
public sealed class CheckpointSigner : IDisposable
{
    private readonly ECDsa _key;
    private readonly bool _ownsKey;

    /// <summary>Creates a signer over a P-256 private key the caller keeps and disposes.</summary>
    /// <param name="keyName">The name in signature lines; c2sp.org/tlog-checkpoint says it should be the log's origin.</param>
    /// <param name="privateKey">An ECDSA key on NIST P-256 with its private part.</param>
    /// <exception cref="ArgumentException">The name is not a valid key name, or the key is not on P-256.</exception>
    public CheckpointSigner(string keyName, ECDsa privateKey)
        : this(keyName, privateKey, ownsKey: false)
    {
    }

    private CheckpointSigner(string keyName, ECDsa key, bool ownsKey)
    {
        ArgumentNullException.ThrowIfNull(key);
        VerifierKey = VerifierKey.FromPublicKey(keyName, key);
        _key = key;
        _ownsKey = ownsKey;
    }

    /// <summary>The public key to publish, under the signer's key name.</summary>
    public VerifierKey VerifierKey { get; }

    /// <summary>Creates a signer from a PEM private key (PKCS#8 "PRIVATE KEY" or SEC 1 "EC PRIVATE KEY") on P-256.</summary>
    /// <exception cref="ArgumentException">The PEM holds no P-256 private key, or the name is not a valid key name.</exception>
    public static CheckpointSigner FromPem(string keyName, string privateKeyPem)
    {
        ArgumentNullException.ThrowIfNull(privateKeyPem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(privateKeyPem);
            if (!HasPrivateKey(key))
            {
                throw new ArgumentException("The PEM holds a public key; signing needs the private key.", nameof(privateKeyPem));
            }

            return new CheckpointSigner(keyName, key, ownsKey: true);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new ArgumentException("The PEM holds no ECDSA private key.", nameof(privateKeyPem), e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Signs the checkpoint and returns the signed note: its body, a blank line and one signature line.</summary>
    public string Sign(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var text = checkpoint.ToNoteText();
        var signature = _key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return SignedNote.Format(text, new NoteSignature(VerifierKey.Name, VerifierKey.KeyId, signature));
    }

    /// <summary>Disposes the key if this signer loaded it from PEM.</summary>
    public void Dispose()
    {
        if (_ownsKey)
        {
            _key.Dispose();
        }
    }

    private static bool HasPrivateKey(ECDsa key)
    {
        try
        {
            var parameters = key.ExportParameters(includePrivateParameters: true);
            CryptographicOperations.ZeroMemory(parameters.D);
            return parameters.D is { Length: > 0 };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
