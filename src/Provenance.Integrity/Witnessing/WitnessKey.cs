using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;
using Provenance.Integrity.Checkpoints;

namespace Provenance.Integrity.Witnessing;

/// <summary>
/// A witness's public key for C2SP <c>tlog-cosignature</c> version 1 (Ed25519), in the signed-note
/// verifier-key text form: <c>&lt;name&gt;+&lt;key ID, 8 hex digits&gt;+&lt;base64(0x04 || 32-byte public key)&gt;</c>.
/// The key ID is the first four bytes of <c>SHA-256(name || "\n" || 0x04 || public key)</c>, so it
/// commits to the witness's name as well as its key.
/// </summary>
public sealed class WitnessKey
{
    /// <summary>The signed-note signature type of an Ed25519 cosignature/v1 key.</summary>
    public const byte CosignatureV1Type = 0x04;

    /// <summary>The size of an Ed25519 public key.</summary>
    public const int PublicKeySize = 32;

    private readonly byte[] _publicKey;

    private WitnessKey(string name, byte[] publicKey)
    {
        Name = name;
        _publicKey = publicKey;
        KeyId = ComputeKeyId(name, publicKey);
    }

    /// <summary>The witness's name, as its signature lines carry it.</summary>
    public string Name { get; }

    /// <summary>The key ID that starts each of its signatures.</summary>
    public uint KeyId { get; }

    /// <summary>The 32-byte Ed25519 public key.</summary>
    public ReadOnlyMemory<byte> PublicKey => _publicKey;

    /// <summary>The key of <paramref name="name"/> with the 32-byte Ed25519 <paramref name="publicKey"/>.</summary>
    /// <exception cref="ArgumentException">The name is not a key name, or the key is not 32 bytes.</exception>
    public static WitnessKey FromPublicKey(string name, ReadOnlySpan<byte> publicKey)
    {
        if (!VerifierKey.IsKeyName(name))
        {
            throw new ArgumentException("A key name is not empty and holds no space, plus sign or control character.", nameof(name));
        }

        return publicKey.Length == PublicKeySize
            ? new WitnessKey(name, publicKey.ToArray())
            : throw new ArgumentException($"An Ed25519 public key is {PublicKeySize} bytes.", nameof(publicKey));
    }

    /// <summary>Parses the text form; the key ID must match the name and key, and the type must be 0x04.</summary>
    /// <exception cref="FormatException">The text is not a cosignature/v1 verifier key.</exception>
    public static WitnessKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('+', 3);
        if (parts.Length != 3)
        {
            throw new FormatException("A witness key has three parts: name+keyid+key.");
        }

        var (name, id, encoded) = (parts[0], parts[1], parts[2]);
        if (!VerifierKey.IsKeyName(name))
        {
            throw new FormatException("The witness key's name is empty or holds a space, a plus sign or a control character.");
        }

        if (id.Length != 8 || !uint.TryParse(id, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var keyId))
        {
            throw new FormatException("The witness key's ID is not 8 hexadecimal digits.");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(encoded);
        }
        catch (FormatException e)
        {
            throw new FormatException("The witness key is not base64.", e);
        }

        if (Convert.ToBase64String(key) != encoded)
        {
            throw new FormatException("The witness key is not canonical base64.");
        }

        if (key.Length != 1 + PublicKeySize || key[0] != CosignatureV1Type)
        {
            throw new FormatException($"A witness key is type 0x04 (Ed25519 cosignature/v1) and a {PublicKeySize}-byte public key.");
        }

        var parsed = new WitnessKey(name, key[1..]);
        return parsed.KeyId == keyId
            ? parsed
            : throw new FormatException($"The witness key's ID {id} is not the one its name and key give ({parsed.KeyId:x8}).");
    }

    /// <summary>Whether <paramref name="text"/> parses as a witness key.</summary>
    public static bool TryParse(string text, out WitnessKey? key)
    {
        try
        {
            key = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            key = null;
            return false;
        }
    }

    /// <summary>The key ID of an Ed25519 cosignature/v1 key: the first four bytes, big-endian, of SHA-256(name || "\n" || 0x04 || public key).</summary>
    public static uint ComputeKeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = (byte)'\n';
        input[nameBytes.Length + 1] = CosignatureV1Type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    /// <summary>Whether <paramref name="signature"/> is this key's Ed25519 signature of <paramref name="message"/>.</summary>
    public bool VerifySignature(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        var algorithm = SignatureAlgorithm.Ed25519;
        return signature.Length == algorithm.SignatureSize &&
               NSec.Cryptography.PublicKey.TryImport(algorithm, _publicKey, KeyBlobFormat.RawPublicKey, out var key) &&
               algorithm.Verify(key!, message, signature);
    }

    /// <summary>The text form: <c>name+keyid+base64(0x04 || public key)</c>.</summary>
    public override string ToString() => $"{Name}+{KeyId:x8}+{Convert.ToBase64String([CosignatureV1Type, .. _publicKey])}";
}
