using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// A line of <c>proofs.ndjson</c>: <c>{"leafIndex":i,"position":p,"proof":"&lt;base64&gt;"}</c>, the
/// canonical JSON of those three members (in that order, which is RFC 8785's). Read by matching
/// that one shape, which accepts exactly the canonical lines and costs no JSON parse.
/// </summary>
internal static class ProofLine
{
    /// <summary>An inclusion proof in a tree of fewer than 2^64 leaves has at most 64 hashes.</summary>
    public const int MaxHashes = 64;

    public const int MaxHashBytes = MaxHashes * MerkleTree.HashSize;

    private const int MaxDigits = 19;

    public static void Write(IBufferWriter<byte> output, long position, IReadOnlyList<byte[]> proof)
    {
        if (proof.Count > MaxHashes)
        {
            throw new ArgumentException($"An inclusion proof has at most {MaxHashes} hashes; this one has {proof.Count}.", nameof(proof));
        }

        Span<byte> hashes = stackalloc byte[proof.Count * MerkleTree.HashSize];
        for (var i = 0; i < proof.Count; i++)
        {
            proof[i].CopyTo(hashes[(i * MerkleTree.HashSize)..]);
        }

        output.Write("{\"leafIndex\":"u8);
        WriteNumber(output, position - 1);
        output.Write(",\"position\":"u8);
        WriteNumber(output, position);
        output.Write(",\"proof\":\""u8);
        var base64 = output.GetSpan(Base64.GetMaxEncodedToUtf8Length(hashes.Length));
        Base64.EncodeToUtf8(hashes, base64, out _, out var written);
        output.Advance(written);
        output.Write("\"}"u8);
    }

    /// <summary>Reads a proof line (without its LF).</summary>
    /// <param name="line">The line.</param>
    /// <param name="leafIndex">Its <c>leafIndex</c>.</param>
    /// <param name="position">Its <c>position</c>.</param>
    /// <param name="hashes">Receives the proof's hashes, concatenated: at least <see cref="MaxHashBytes"/> bytes.</param>
    /// <param name="hashBytes">How many bytes of <paramref name="hashes"/> the proof filled.</param>
    /// <returns><see langword="null"/>, or what is wrong with the line.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? TryRead(ReadOnlySpan<byte> line, out long leafIndex, out long position, Span<byte> hashes, out int hashBytes)
    {
        const string shape = "the line is not {\"leafIndex\":<integer>,\"position\":<integer>,\"proof\":\"<base64>\"} in canonical JSON";
        leafIndex = position = 0;
        hashBytes = 0;
        var rest = line;
        if (!Skip(ref rest, "{\"leafIndex\":"u8) || !ReadNumber(ref rest, out leafIndex)
            || !Skip(ref rest, ",\"position\":"u8) || !ReadNumber(ref rest, out position)
            || !Skip(ref rest, ",\"proof\":\""u8) || !rest.EndsWith("\"}"u8))
        {
            return shape;
        }

        var base64 = rest[..^2];
        if (base64.Length > Base64.GetMaxEncodedToUtf8Length(MaxHashBytes))
        {
            return $"the proof has more than {MaxHashes} hashes";
        }

        // The decoder skips whitespace and ignores the unused bits of the last character; encoding
        // the result again accepts only the one canonical spelling.
        Span<byte> again = stackalloc byte[Base64.GetMaxEncodedToUtf8Length(MaxHashBytes)];
        if (Base64.DecodeFromUtf8(base64, hashes, out _, out hashBytes) != OperationStatus.Done
            || Base64.EncodeToUtf8(hashes[..hashBytes], again, out _, out var length) != OperationStatus.Done
            || !again[..length].SequenceEqual(base64))
        {
            return "the proof is not canonical base64 (RFC 4648 section 4, with padding)";
        }

        return hashBytes % MerkleTree.HashSize == 0 ? null : $"the proof is {hashBytes} bytes, not a whole number of 32-byte hashes";
    }

    private static bool Skip(ref ReadOnlySpan<byte> rest, ReadOnlySpan<byte> expected)
    {
        if (!rest.StartsWith(expected))
        {
            return false;
        }

        rest = rest[expected.Length..];
        return true;
    }

    /// <summary>A canonical non-negative integer: "0", or digits without a leading zero.</summary>
    private static bool ReadNumber(ref ReadOnlySpan<byte> rest, out long value)
    {
        value = 0;
        var digits = rest.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (digits <= 0 || digits > MaxDigits - 1 || (rest[0] == (byte)'0' && digits > 1))
        {
            return false;
        }

        foreach (var digit in rest[..digits])
        {
            value = (value * 10) + (digit - '0');
        }

        rest = rest[digits..];
        return true;
    }

    private static void WriteNumber(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(MaxDigits + 1);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }
}
