using System.Buffers;
using System.Text.Json;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.StreamIndex;

/// <summary>The stream that stands where an absent stream's path ends: its key and the hash of its entry.</summary>
public sealed record StreamIndexNeighbor(byte[] Key, byte[] EntryHash);

/// <summary>
/// A proof, against a stream index root, of a stream's entry (<see cref="Entry"/> set) or of its
/// absence: the path from the stream's key ends in an empty subtree, or at another stream's leaf
/// (<see cref="Neighbor"/>) whose key shares the path. <see cref="Siblings"/> are the hashes beside
/// the path, the deepest first.
/// </summary>
public sealed record StreamIndexProof(Guid Stream, StreamIndexEntry? Entry, StreamIndexNeighbor? Neighbor, IReadOnlyList<byte[]> Siblings)
{
    /// <summary>Whether the proof shows the stream's entry (rather than its absence).</summary>
    public bool IsPresent => Entry is not null;

    /// <summary>Checks the proof against <paramref name="root"/>: null when it holds, otherwise why not.</summary>
    public string? Verify(ReadOnlySpan<byte> root)
    {
        if (root.Length != StreamIndexHashing.HashSize)
        {
            return "the root is not 32 bytes";
        }

        if (Siblings.Count > StreamIndexHashing.Depth || Siblings.Any(s => s is not { Length: StreamIndexHashing.HashSize }))
        {
            return "a proof is at most 256 hashes of 32 bytes";
        }

        var key = StreamIndexHashing.Key(Stream);
        var depth = Siblings.Count;
        byte[] hash;
        if (Entry is { } entry)
        {
            if (Neighbor is not null)
            {
                return "a proof of an entry names no neighbor";
            }

            if (entry.Stream != Stream)
            {
                return $"the entry is of stream {entry.Stream}, not {Stream}";
            }

            hash = StreamIndexHashing.Leaf(key, entry.Hash());
        }
        else if (Neighbor is { } neighbor)
        {
            if (neighbor.Key is not { Length: StreamIndexHashing.HashSize } || neighbor.EntryHash is not { Length: StreamIndexHashing.HashSize })
            {
                return "a neighbor's key and entry hash are 32 bytes each";
            }

            if (neighbor.Key.AsSpan().SequenceEqual(key))
            {
                return "the neighbor is the stream itself: the proof shows it present, not absent";
            }

            for (var i = 0; i < depth; i++)
            {
                if (StreamIndexHashing.Bit(neighbor.Key, i) != StreamIndexHashing.Bit(key, i))
                {
                    return $"the neighbor's key leaves the stream's path at level {i}, above where the proof ends";
                }
            }

            hash = StreamIndexHashing.Leaf(neighbor.Key, neighbor.EntryHash);
        }
        else
        {
            hash = new byte[StreamIndexHashing.HashSize];
        }

        for (var level = depth - 1; level >= 0; level--)
        {
            var sibling = Siblings[depth - 1 - level];
            hash = StreamIndexHashing.Bit(key, level) == 0 ? StreamIndexHashing.Node(hash, sibling) : StreamIndexHashing.Node(sibling, hash);
        }

        return hash.AsSpan().SequenceEqual(root)
            ? null
            : IsPresent ? $"the entry of stream {Stream} does not lead to the stream index root" : $"the absence of stream {Stream} does not lead to the stream index root";
    }

    /// <summary>The proof as one line of canonical JSON (RFC 8785), without a newline: <c>{"entry","neighbor","proof","stream"}</c>.</summary>
    public byte[] ToCanonicalJson()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("entry");
            if (Entry is { } entry)
            {
                entry.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WritePropertyName("neighbor");
            if (Neighbor is { } neighbor)
            {
                writer.WriteStartObject();
                writer.WriteString("entryHash", Convert.ToHexStringLower(neighbor.EntryHash));
                writer.WriteString("key", Convert.ToHexStringLower(neighbor.Key));
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WriteString("proof", Convert.ToBase64String([.. Siblings.SelectMany(s => s)]));
            writer.WriteString("stream", Stream.ToString("D"));
            writer.WriteEndObject();
        }

        return JsonCanonicalizer.Canonicalize(buffer.WrittenSpan);
    }

    /// <summary>Reads a proof written by <see cref="ToCanonicalJson"/>.</summary>
    /// <exception cref="FormatException">The JSON is not a proof.</exception>
    public static StreamIndexProof Read(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || json.GetPropertyCount() != 4)
        {
            throw new FormatException("a stream index proof is an object of exactly entry, neighbor, proof and stream");
        }

        var stream = StreamIndexEntry.Id(StreamIndexEntry.Member(json, "stream", JsonValueKind.String));
        var entry = json.TryGetProperty("entry", out var e) && e.ValueKind != JsonValueKind.Null ? StreamIndexEntry.Read(e) : null;
        StreamIndexNeighbor? neighbor = null;
        if (json.TryGetProperty("neighbor", out var n) && n.ValueKind != JsonValueKind.Null)
        {
            if (n.ValueKind != JsonValueKind.Object || n.GetPropertyCount() != 2)
            {
                throw new FormatException("a neighbor is an object of exactly entryHash and key");
            }

            neighbor = new StreamIndexNeighbor(Hex(StreamIndexEntry.Member(n, "key", JsonValueKind.String)), Hex(StreamIndexEntry.Member(n, "entryHash", JsonValueKind.String)));
        }

        var text = StreamIndexEntry.Member(json, "proof", JsonValueKind.String).GetString()!;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new FormatException("the proof is not base64");
        }

        if (bytes.Length % StreamIndexHashing.HashSize != 0 || Convert.ToBase64String(bytes) != text)
        {
            throw new FormatException("the proof is not canonical base64 of 32-byte hashes");
        }

        return new StreamIndexProof(stream, entry, neighbor, bytes.Chunk(StreamIndexHashing.HashSize).ToList());
    }

    private static byte[] Hex(JsonElement text)
    {
        var value = text.GetString()!;
        return value.Length == 2 * StreamIndexHashing.HashSize && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')
            ? Convert.FromHexString(value)
            : throw new FormatException("a key or entry hash is 64 lowercase hex digits");
    }
}
