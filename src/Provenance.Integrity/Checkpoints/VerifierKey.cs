using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Provenance.Integrity.Checkpoints;

/// <summary>
/// The public half of a checkpoint signing key, in the verifier-key text form of Go's note
/// package: <c>&lt;name&gt;+&lt;key ID as 8 hex digits&gt;+&lt;base64(0x02 || SubjectPublicKeyInfo DER)&gt;</c>.
/// This is what the ledger publishes so that anyone can verify its checkpoints.
/// </summary>
/// <remarks>
/// Signatures are C2SP signed-note type 0x02: ECDSA over NIST P-256 with SHA-256, the signature in
/// ASN.1 DER (ECDSA-Sig-Value), as github.com/transparency-dev/witness and the Sigstore log
/// implement it. The public key is encoded as its X.509 SubjectPublicKeyInfo DER, and the key ID is
/// the first four bytes, big-endian, of SHA-256 of that DER, as c2sp.org/signed-note specifies for
/// type 0x02 (unlike Ed25519 keys, the name and type byte are not hashed), so Go verifiers such as
/// transparency-dev/formats' NewECDSAVerifier accept the key.
/// </remarks>
public sealed class VerifierKey
{
    /// <summary>The C2SP signed-note signature type of ECDSA keys.</summary>
    public const byte EcdsaSignatureType = 0x02;

    private const string P256Oid = "1.2.840.10045.3.1.7";

    private readonly byte[] _subjectPublicKeyInfo;

    private VerifierKey(string name, byte[] subjectPublicKeyInfo)
    {
        Name = name;
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        KeyId = ComputeKeyId(subjectPublicKeyInfo);
    }

    /// <summary>The key name, the name in the signature lines (by convention the log's origin).</summary>
    public string Name { get; }

    /// <summary>The 32-bit key ID that starts each signature by this key.</summary>
    public uint KeyId { get; }

    /// <summary>The public key as X.509 SubjectPublicKeyInfo DER.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => _subjectPublicKeyInfo;

    /// <summary>The verifier key of a P-256 key (public or private) under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not a valid key name, or the key is not on P-256.</exception>
    public static VerifierKey FromPublicKey(string name, ECDsa key)
    {
        RequireKeyName(name);
        ArgumentNullException.ThrowIfNull(key);
        RequireP256(key, nameof(key));
        return new VerifierKey(name, key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Parses the text form; the key ID must match the key, and the key must be ECDSA P-256.</summary>
    /// <exception cref="FormatException">The text is not a verifier key of this kind.</exception>
    public static VerifierKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Base64 may itself hold '+', so only the first two split.
        var parts = text.Split('+', 3);
        if (parts.Length != 3)
        {
            throw new FormatException("A verifier key has three parts: name+keyid+key.");
        }

        var (name, id, encoded) = (parts[0], parts[1], parts[2]);
        if (!IsKeyName(name))
        {
            throw new FormatException("The verifier key's name is empty or holds a space, a plus sign or a control character.");
        }

        if (id.Length != 8 || !uint.TryParse(id, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var keyId))
        {
            throw new FormatException("The verifier key's ID is not 8 hexadecimal digits.");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(encoded);
        }
        catch (FormatException e)
        {
            throw new FormatException("The verifier key's key is not base64.", e);
        }

        if (key.Length < 2 || Convert.ToBase64String(key) != encoded)
        {
            throw new FormatException("The verifier key's key is not canonical base64 of a type byte and a key.");
        }

        if (key[0] != EcdsaSignatureType)
        {
            throw new FormatException($"The verifier key has signature type 0x{key[0]:x2}; only ECDSA (0x02) is supported.");
        }

        var spki = key[1..];
        using (var ecdsa = ImportPublicKey(spki))
        {
            if (ecdsa is null || !IsP256(ecdsa))
            {
                throw new FormatException("The verifier key's key is not an ECDSA P-256 SubjectPublicKeyInfo.");
            }
        }

        var verifierKey = new VerifierKey(name, spki);
        if (verifierKey.KeyId != keyId)
        {
            throw new FormatException($"The verifier key's ID {id} does not match its key ({verifierKey.KeyId:x8}).");
        }

        return verifierKey;
    }

    /// <summary>The text form, <c>name+keyid+base64(0x02 || SPKI)</c>.</summary>
    public override string ToString() =>
        $"{Name}+{KeyId:x8}+{Convert.ToBase64String([EcdsaSignatureType, .. _subjectPublicKeyInfo])}";

    internal static bool IsKeyName(string name) =>
        name.Length > 0 && Checkpoint.IsLine(name) && !name.Any(c => c == '+' || char.IsWhiteSpace(c));

    internal static void RequireKeyName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsKeyName(name))
        {
            throw new ArgumentException("A key name is non-empty and holds no spaces, plus signs or control characters.", nameof(name));
        }
    }

    internal static void RequireP256(ECDsa key, string parameterName)
    {
        if (!IsP256(key))
        {
            throw new ArgumentException("Checkpoint keys are ECDSA on NIST P-256.", parameterName);
        }
    }

    /// <summary>A new ECDsa holding the public key (the caller disposes it).</summary>
    internal ECDsa CreatePublicKey() =>
        ImportPublicKey(_subjectPublicKeyInfo) ?? throw new InvalidOperationException("The stored public key no longer imports.");

    private static uint ComputeKeyId(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(subjectPublicKeyInfo));

    private static ECDsa? ImportPublicKey(byte[] subjectPublicKeyInfo)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read == subjectPublicKeyInfo.Length)
            {
                return ecdsa;
            }
        }
        catch (CryptographicException)
        {
        }

        ecdsa.Dispose();
        return null;
    }

    private static bool IsP256(ECDsa key)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        return curve.IsNamed
            && (curve.Oid.Value == P256Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1");
    }
}
