using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Provenance.Integrity.StreamIndex;

/// <summary>A stream that references another (a derived dataset its parent, a protocol the datasets it covers, a model its training inputs), with its stream type.</summary>
/// <param name="Stream">The referencing stream.</param>
/// <param name="Type">Its stream type (<c>dataset</c>, <c>irb-protocol</c>, <c>model</c>…).</param>
public sealed record StreamReference(Guid Stream, string Type);

/// <summary>
/// One stream's entry in the stream index at a tree size: its type (from its first event), its last
/// version, the position of its last event, and every stream that references it, sorted by id. A
/// stream referenced before it has an event has the type <see langword="null"/> and version 0.
/// </summary>
/// <param name="Stream">The stream.</param>
/// <param name="Type">Its stream type, or null while it has no event.</param>
/// <param name="LastVersion">The version of its last event within the tree (0: none).</param>
/// <param name="LastPosition">The log position of that event (0: none).</param>
/// <param name="ReferencedBy">The streams that reference it, sorted by id (as lowercase text).</param>
public sealed record StreamIndexEntry(Guid Stream, string? Type, long LastVersion, long LastPosition, IReadOnlyList<StreamReference> ReferencedBy)
{
    /// <summary>The entry's canonical JSON (RFC 8785): the bytes its hash is taken over, and its form in proofs.</summary>
    public byte[] ToCanonicalJson()
    {
        var buffer = new ArrayBufferWriter<byte>(128 + (ReferencedBy.Count * 80));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the entry as a JSON object with its members in canonical order (all its strings are plain ASCII, so this is its canonical form).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("lastPosition", LastPosition);
        writer.WriteNumber("lastVersion", LastVersion);
        writer.WriteStartArray("referencedBy");
        foreach (var reference in ReferencedBy)
        {
            writer.WriteStartObject();
            writer.WriteString("stream", reference.Stream.ToString("D"));
            writer.WriteString("type", reference.Type);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("stream", Stream.ToString("D"));
        if (Type is null)
        {
            writer.WriteNull("type");
        }
        else
        {
            writer.WriteString("type", Type);
        }

        writer.WriteEndObject();
    }

    /// <summary>SHA-256 of the canonical JSON.</summary>
    public byte[] Hash() => SHA256.HashData(ToCanonicalJson());

    /// <summary>Reads an entry written by <see cref="WriteTo"/>.</summary>
    /// <exception cref="FormatException">The JSON is not an entry.</exception>
    public static StreamIndexEntry Read(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || json.GetPropertyCount() != 5)
        {
            throw new FormatException("an entry is an object of exactly lastPosition, lastVersion, referencedBy, stream and type");
        }

        var references = new List<StreamReference>();
        foreach (var reference in Member(json, "referencedBy", JsonValueKind.Array).EnumerateArray())
        {
            if (reference.ValueKind != JsonValueKind.Object || reference.GetPropertyCount() != 2)
            {
                throw new FormatException("a reference is an object of exactly stream and type");
            }

            references.Add(new StreamReference(Id(Member(reference, "stream", JsonValueKind.String)), Member(reference, "type", JsonValueKind.String).GetString()!));
        }

        var type = json.TryGetProperty("type", out var t) ? t : throw new FormatException("the entry has no type");
        return new StreamIndexEntry(
            Id(Member(json, "stream", JsonValueKind.String)),
            type.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => type.GetString(),
                _ => throw new FormatException("the entry's type is neither a string nor null"),
            },
            Count(Member(json, "lastVersion", JsonValueKind.Number)),
            Count(Member(json, "lastPosition", JsonValueKind.Number)),
            references);
    }

    internal static JsonElement Member(JsonElement parent, string name, JsonValueKind kind) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == kind ? value : throw new FormatException($"{name} is missing or not a {kind.ToString().ToLowerInvariant()}");

    internal static Guid Id(JsonElement text) =>
        Guid.TryParseExact(text.GetString(), "D", out var id) && id.ToString("D") == text.GetString() ? id : throw new FormatException($"\"{text.GetString()}\" is not a lowercase UUID");

    private static long Count(JsonElement number) =>
        number.TryGetInt64(out var value) && value >= 0 ? value : throw new FormatException("a version or position is a non-negative integer");
}
