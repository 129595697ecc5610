using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// An event just outside a time range (#16): the last one recorded before <c>from</c> or the first
/// one recorded at or after <c>to</c>, with its inclusion proof, so that a time-range bundle proves
/// its first and last events are the range's own and none was dropped at either end.
/// </summary>
/// <param name="CanonicalEnvelope">The event's canonical envelope (its leaf input).</param>
/// <param name="InclusionProof">Its RFC 9162 inclusion proof in the checkpoint's tree, deepest hash first.</param>
public sealed record BundleEdge(ReadOnlyMemory<byte> CanonicalEnvelope, IReadOnlyList<byte[]> InclusionProof);

/// <summary>The lines of <c>edges.ndjson</c>: <c>{"envelope","leafIndex","position","proof","side"}</c>, canonical JSON.</summary>
internal static class BundleEdgeLines
{
    public const string Before = "before";
    public const string After = "after";

    /// <summary>A line's bytes (canonical JSON, no newline).</summary>
    public static byte[] Write(string side, long position, ReadOnlySpan<byte> canonicalEnvelope, IReadOnlyList<byte[]> inclusionProof)
    {
        using var envelope = JsonDocument.Parse(canonicalEnvelope.ToArray());
        var buffer = new ArrayBufferWriter<byte>(canonicalEnvelope.Length + 2048);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("envelope");
            envelope.RootElement.WriteTo(writer);
            writer.WriteNumber("leafIndex", position - 1);
            writer.WriteNumber("position", position);
            writer.WriteString("proof", Convert.ToBase64String([.. inclusionProof.SelectMany(h => h)]));
            writer.WriteString("side", side);
            writer.WriteEndObject();
        }

        return JsonCanonicalizer.Canonicalize(buffer.WrittenSpan);
    }

    /// <summary>When the event of a canonical envelope was recorded.</summary>
    /// <exception cref="FormatException">The envelope has no recordedAt written as the format requires.</exception>
    public static DateTimeOffset RecordedAt(JsonElement envelope) =>
        envelope.TryGetProperty("recordedAt", out var at) && at.ValueKind == JsonValueKind.String &&
        DateTimeOffset.TryParseExact(at.GetString(), "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : throw new FormatException("recordedAt is not an instant written yyyy-MM-ddTHH:mm:ss.ffffffZ");
}
