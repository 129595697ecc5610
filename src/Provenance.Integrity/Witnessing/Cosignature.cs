using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Provenance.Integrity.Witnessing;

/// <summary>
/// A C2SP <c>tlog-cosignature</c> version 1 signature (c2sp.org/tlog-cosignature): a witness's
/// statement that, as of <see cref="Timestamp"/>, the largest consistent tree it has seen of the
/// log is the checkpoint's. On the wire it is a signed-note signature line,
/// <c>— &lt;name&gt; base64(key ID (4 bytes) || timestamp (8 bytes, big-endian) || Ed25519 signature (64 bytes))</c>,
/// and the signed message is <c>"cosignature/v1\ntime &lt;timestamp&gt;\n"</c> followed by the checkpoint's note text.
/// </summary>
/// <param name="Name">The witness's key name.</param>
/// <param name="KeyId">The witness's key ID.</param>
/// <param name="Timestamp">When it cosigned, in seconds since the Unix epoch.</param>
/// <param name="Signature">The 64-byte Ed25519 signature.</param>
public sealed record Cosignature(string Name, uint KeyId, ulong Timestamp, byte[] Signature)
{
    /// <summary>The size of the signature part of a line: timestamp and Ed25519 signature.</summary>
    public const int SignedPartSize = 8 + 64;

    /// <summary>The header line of the signed message.</summary>
    public const string Header = "cosignature/v1";

    /// <summary>When it cosigned.</summary>
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(Timestamp, (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()));

    /// <summary>The message a cosignature/v1 signs: the header line, the time line and the checkpoint's note text (ending in a newline).</summary>
    public static byte[] Message(string noteText, ulong timestamp)
    {
        ArgumentNullException.ThrowIfNull(noteText);
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Header}\ntime {timestamp}\n{noteText}"));
    }

    /// <summary>The signature line, with its final newline.</summary>
    public string ToLine()
    {
        var bytes = new byte[4 + SignedPartSize];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, KeyId);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(4), Timestamp);
        Signature.CopyTo(bytes, 12);
        return $"\u2014 {Name} {Convert.ToBase64String(bytes)}\n";
    }

    /// <summary>Reads the cosignature of a note signature (key name, key ID and what follows the key ID); null when it is not the size of one.</summary>
    internal static Cosignature? FromNoteSignature(string name, uint keyId, byte[] signed) =>
        signed.Length == SignedPartSize
            ? new Cosignature(name, keyId, BinaryPrimitives.ReadUInt64BigEndian(signed), signed[8..])
            : null;

    /// <summary>Whether this cosignature is <paramref name="key"/>'s over the note text <paramref name="noteText"/>.</summary>
    public bool Verifies(WitnessKey key, string noteText)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Name == key.Name && KeyId == key.KeyId && Timestamp <= long.MaxValue &&
               key.VerifySignature(Message(noteText, Timestamp), Signature);
    }
}
