using System.Security.Cryptography;

namespace Provenance.Integrity;

/// <summary>
/// SHA-256(prefix ‖ first ‖ second) over two 32-byte hashes: the inner nodes of the Merkle tree
/// (prefix 0x01, RFC 9162) and the leaves and nodes of the stream index (0x02, 0x03) differ only by
/// their one-byte domain separator.
/// </summary>
internal static class DomainSeparatedHash
{
    private const int HashSize = 32;

    public static void Pair(byte prefix, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[1 + (2 * HashSize)];
        input[0] = prefix;
        first.CopyTo(input[1..]);
        second.CopyTo(input[(1 + HashSize)..]);
        SHA256.HashData(input, destination);
    }
}
