using System.Globalization;
using NSec.Cryptography;
using Provenance.Integrity.Checkpoints;

namespace Provenance.Integrity.Witnessing;

/// <summary>
/// A witness's Ed25519 signing key, producing cosignature/v1 lines. Its text form (the key file)
/// follows Go's note private keys: <c>PRIVATE+KEY+&lt;name&gt;+&lt;key ID&gt;+base64(0x04 || 32-byte seed)</c>.
/// Keep it secret; <see cref="VerifierKey"/> is what a log and verifiers are given.
/// </summary>
public sealed class WitnessSigner : IDisposable
{
    private const string Prefix = "PRIVATE+KEY+";
    private readonly Key _key;

    private WitnessSigner(string name, Key key)
    {
        _key = key;
        VerifierKey = WitnessKey.FromPublicKey(name, key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary>The public key to give to logs and verifiers.</summary>
    public WitnessKey VerifierKey { get; }

    /// <summary>A new random key named <paramref name="name"/>.</summary>
    public static WitnessSigner Generate(string name)
    {
        if (!Checkpoints.VerifierKey.IsKeyName(name))
        {
            throw new ArgumentException("A key name is not empty and holds no space, plus sign or control character.", nameof(name));
        }

        return new WitnessSigner(name, Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    /// <summary>Reads the text form written by <see cref="ToPrivateKeyText"/>.</summary>
    /// <exception cref="FormatException">The text is not a witness private key.</exception>
    public static WitnessSigner Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException("A witness private key starts with PRIVATE+KEY+.");
        }

        var parts = text[Prefix.Length..].Split('+', 3);
        var keyId = 0u;
        if (parts.Length != 3 || !Checkpoints.VerifierKey.IsKeyName(parts[0]) || parts[1].Length != 8 ||
            !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out keyId))
        {
            throw new FormatException("A witness private key is PRIVATE+KEY+name+keyid+key.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException e)
        {
            throw new FormatException("The witness private key is not base64.", e);
        }

        if (bytes.Length != 33 || bytes[0] != WitnessKey.CosignatureV1Type)
        {
            throw new FormatException("A witness private key is type 0x04 and a 32-byte Ed25519 seed.");
        }

        var key = Key.Import(SignatureAlgorithm.Ed25519, bytes.AsSpan(1), KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var signer = new WitnessSigner(parts[0], key);
        if (signer.VerifierKey.KeyId != keyId)
        {
            signer.Dispose();
            throw new FormatException("The witness private key's ID is not the one its name and key give.");
        }

        return signer;
    }

    /// <summary>The private key's text form (secret).</summary>
    public string ToPrivateKeyText() =>
        $"{Prefix}{VerifierKey.Name}+{VerifierKey.KeyId:x8}+{Convert.ToBase64String([WitnessKey.CosignatureV1Type, .. _key.Export(KeyBlobFormat.RawPrivateKey)])}";

    /// <summary>Cosigns the checkpoint whose note text is <paramref name="noteText"/> at <paramref name="time"/>.</summary>
    public Cosignature Sign(string noteText, DateTimeOffset time)
    {
        var timestamp = (ulong)Math.Max(0, time.ToUnixTimeSeconds());
        var signature = SignatureAlgorithm.Ed25519.Sign(_key, Cosignature.Message(noteText, timestamp));
        return new Cosignature(VerifierKey.Name, VerifierKey.KeyId, timestamp, signature);
    }

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();
}
