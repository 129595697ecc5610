using System.Security.Cryptography;
using System.Text;

namespace Provenance.Integrity.StreamIndex;

/// <summary>
/// The hashes of the stream index, a sparse Merkle tree over 256-bit keys (docs/integrity.md):
/// a stream's key is SHA-256 of its id as lowercase text, so ids that share a prefix (UUIDv7s made
/// in the same millisecond) still spread evenly and a proof's length depends only on how many
/// streams there are. Prefixes 0x02 and 0x03 keep these hashes apart from the log's own (0x00, 0x01).
/// </summary>
public static class StreamIndexHashing
{
    /// <summary>The size of every hash, in bytes.</summary>
    public const int HashSize = 32;

    /// <summary>The number of levels of the tree: one per bit of a key.</summary>
    public const int Depth = 256;

    /// <summary>The hash of an empty subtree: 32 zero bytes.</summary>
    public static ReadOnlySpan<byte> Empty => new byte[HashSize];

    /// <summary>A stream's key: SHA-256 of its id as lowercase, hyphenated text.</summary>
    public static byte[] Key(Guid stream) => SHA256.HashData(Encoding.ASCII.GetBytes(stream.ToString("D")));

    /// <summary>Writes a stream's key to <paramref name="destination"/> (32 bytes).</summary>
    internal static void Key(Guid stream, Span<byte> destination)
    {
        Span<byte> text = stackalloc byte[36];
        stream.TryFormat(text, out _, "D");
        SHA256.HashData(text, destination);
    }

    /// <summary>A leaf: SHA-256(0x02 ‖ key ‖ SHA-256(entry)).</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> key, ReadOnlySpan<byte> entryHash)
    {
        var hash = new byte[HashSize];
        Leaf(key, entryHash, hash);
        return hash;
    }

    /// <summary>Writes the leaf of <paramref name="key"/> and <paramref name="entryHash"/> to <paramref name="destination"/> (32 bytes).</summary>
    internal static void Leaf(ReadOnlySpan<byte> key, ReadOnlySpan<byte> entryHash, Span<byte> destination) => DomainSeparatedHash.Pair(0x02, key, entryHash, destination);

    /// <summary>An inner node of two or more leaves: SHA-256(0x03 ‖ left ‖ right).</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        Node(left, right, hash);
        return hash;
    }

    /// <summary>Writes the inner node of <paramref name="left"/> and <paramref name="right"/> to <paramref name="destination"/> (32 bytes).</summary>
    internal static void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination) => DomainSeparatedHash.Pair(0x03, left, right, destination);

    /// <summary>Bit <paramref name="index"/> of a key, from the most significant bit of its first byte (0: go left).</summary>
    public static int Bit(ReadOnlySpan<byte> key, int index) => (key[index >> 3] >> (7 - (index & 7))) & 1;
}
