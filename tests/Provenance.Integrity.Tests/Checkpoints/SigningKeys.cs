using System.Security.Cryptography;
using System.Text;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Tests.Checkpoints;

internal static class SigningKeys
{
    public const string Origin = "provenance.example.org/ledger";

    public static ECDsa NewP256() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static Checkpoint Checkpoint(ulong size = 1234) =>
        new(Origin, size, MerkleTree.LeafHash(Encoding.UTF8.GetBytes($"root {size}")));

    /// <summary>Signs arbitrary note text as the signer would, to build notes a signer refuses to produce.</summary>
    public static string SignRaw(string text, ECDsa key, string keyName)
    {
        var verifierKey = VerifierKey.FromPublicKey(keyName, key);
        var signature = key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        byte[] keyId = [(byte)(verifierKey.KeyId >> 24), (byte)(verifierKey.KeyId >> 16), (byte)(verifierKey.KeyId >> 8), (byte)verifierKey.KeyId];
        return $"{text}\n\u2014 {keyName} {Convert.ToBase64String([.. keyId, .. signature])}\n";
    }
}
