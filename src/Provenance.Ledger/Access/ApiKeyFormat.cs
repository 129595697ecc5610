using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Provenance.Ledger.Access;

/// <summary>
/// The one format of an API key: <c>pvk_&lt;key id, 32 lowercase hex&gt;_&lt;secret: 32 random bytes, base64url&gt;</c>.
/// The id names the key's stream on the ledger (it is not secret); only the SHA-256 of the 32
/// secret bytes is ever recorded, and the key itself is shown once, to whoever asked for it.
/// </summary>
internal static class ApiKeyFormat
{
    public const string Prefix = "pvk_";
    private const int SecretBytes = 32;
    private const int IdChars = 32;
    private const int SecretChars = 43; // 32 bytes in unpadded base64url
    public const int Length = 4 + IdChars + 1 + SecretChars;

    /// <summary>A new key for <paramref name="keyId"/>, and the SHA-256 (hex) of its secret.</summary>
    public static (string Key, string SecretSha256) Create(Guid keyId)
    {
        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        try
        {
            return (Prefix + keyId.ToString("N") + "_" + Base64Url.EncodeToString(secret), Sha256Hex(secret));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Splits a presented key into its id and the SHA-256 of its secret; false for anything not exactly in the format.</summary>
    public static bool TryParse(string? presented, out Guid keyId, [NotNullWhen(true)] out byte[]? secretSha256)
    {
        keyId = Guid.Empty;
        secretSha256 = null;
        if (presented is null || presented.Length != Length || !presented.StartsWith(Prefix, StringComparison.Ordinal) || presented[Prefix.Length + IdChars] != '_')
        {
            return false;
        }

        var id = presented.AsSpan(Prefix.Length, IdChars);
        // Lowercase hex only, so one key has one spelling (Guid.TryParseExact would also take uppercase).
        foreach (var c in id)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        Span<byte> secret = stackalloc byte[SecretBytes + 2];
        var encoded = presented.AsSpan(Prefix.Length + IdChars + 1);
        if (!Guid.TryParseExact(id, "N", out keyId) ||
            Base64Url.DecodeFromChars(encoded, secret, out var consumed, out var written) != System.Buffers.OperationStatus.Done ||
            consumed != SecretChars || written != SecretBytes || !string.Equals(Base64Url.EncodeToString(secret[..written]), encoded.ToString(), StringComparison.Ordinal))
        {
            keyId = Guid.Empty;
            return false;
        }

        secretSha256 = SHA256.HashData(secret[..written]);
        CryptographicOperations.ZeroMemory(secret);
        return true;
    }

    private static string Sha256Hex(ReadOnlySpan<byte> secret) => Convert.ToHexStringLower(SHA256.HashData(secret));

    /// <summary>The recorded hex digest as bytes, for a constant-time comparison; null when it is not 64 hex digits.</summary>
    public static byte[]? DigestBytes(string hex) =>
        hex.Length == 64 && hex.All(char.IsAsciiHexDigit) ? Convert.FromHexString(hex) : null;
}
