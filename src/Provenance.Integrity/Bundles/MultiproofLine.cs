using System.Buffers;
using System.Buffers.Text;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Bundles;

/// <summary>A line of <c>multiproof.txt</c> (format 3): one 32-byte hash in base64, 44 characters, then LF.</summary>
internal static class MultiproofLine
{
    /// <summary>The bytes of a line, its LF included.</summary>
    public const int Length = 45;

    /// <summary>Writes <paramref name="hash"/> as a line into <paramref name="line"/> (<see cref="Length"/> bytes).</summary>
    public static void Write(ReadOnlySpan<byte> hash, Span<byte> line)
    {
        Base64.EncodeToUtf8(hash, line, out _, out _);
        line[Length - 1] = (byte)'\n';
    }

    /// <summary>
    /// Reads a line (<see cref="Length"/> bytes, its LF included) into <paramref name="hash"/>; false
    /// when it is not one. The decoder refuses a last character whose two unused bits are set, so a
    /// hash has exactly one spelling.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> line, Span<byte> hash) =>
        line.Length == Length && line[Length - 1] == (byte)'\n'
        && Base64.DecodeFromUtf8(line[..(Length - 1)], hash, out var consumed, out var written) == OperationStatus.Done
        && consumed == Length - 1 && written == MerkleTree.HashSize;
}
