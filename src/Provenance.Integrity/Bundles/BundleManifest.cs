using System.Buffers;
using System.Text.Json;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.Bundles;

/// <summary>A file the manifest lists: its path in the bundle, its size and its SHA-256 (lowercase hex).</summary>
internal sealed record ManifestFile(string Path, long Bytes, string Sha256);

/// <summary>
/// A bundle's <c>manifest.json</c>: canonical JSON on one line, then LF. What it claims is written
/// by <see cref="AuditBundleWriter"/> and read, strictly, by <see cref="AuditBundleVerifier"/>.
/// </summary>
internal sealed record BundleManifest(
    int FormatVersion,
    string Origin,
    ulong TreeSize,
    BundleScope Scope,
    long EventCount,
    IReadOnlyList<StreamClaim> Streams,
    PositionRange? Positions,
    IReadOnlyList<ManifestFile> Files)
{
    private static readonly string[] Members = ["eventCount", "files", "format", "origin", "positions", "scope", "streams", "treeSize"];

    /// <summary>The file's bytes: the canonical JSON and a final LF.</summary>
    public byte[] ToBytes()
    {
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("format", AuditBundleFiles.FormatOf(FormatVersion));
            writer.WriteString("origin", Origin);
            writer.WriteNumber("treeSize", TreeSize);
            writer.WritePropertyName("scope");
            Scope.WriteTo(writer);
            writer.WriteNumber("eventCount", EventCount);
            writer.WriteStartArray("streams");
            foreach (var stream in Streams.OrderBy(s => s.Stream.ToString("D"), StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("stream", stream.Stream.ToString("D"));
                writer.WriteString("streamType", stream.StreamType);
                writer.WriteNumber("firstVersion", stream.FirstVersion);
                writer.WriteNumber("lastVersion", stream.LastVersion);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (Positions is { } positions)
            {
                writer.WriteStartObject("positions");
                writer.WriteNumber("first", positions.First);
                writer.WriteNumber("last", positions.Last);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("positions");
            }

            writer.WriteStartArray("files");
            foreach (var file in Files.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("path", file.Path);
                writer.WriteNumber("bytes", file.Bytes);
                writer.WriteString("sha256", file.Sha256);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return [.. JsonCanonicalizer.Canonicalize(json.WrittenSpan), (byte)'\n'];
    }

    /// <summary>
    /// Reads a manifest file. What makes it unusable (not JSON, a required member missing or of the
    /// wrong type) throws; what only makes it wrong (not canonical, another format, an entry out of
    /// order or malformed, an unknown member) is added to <paramref name="problems"/>, and a
    /// malformed entry is left out.
    /// </summary>
    /// <exception cref="FormatException">The manifest cannot be used.</exception>
    public static BundleManifest Read(ReadOnlyMemory<byte> file, List<string> problems)
    {
        var newline = file.Span.IndexOf((byte)'\n');
        var text = newline >= 0 ? file[..newline] : file;
        if (newline < 0 || newline != file.Length - 1)
        {
            problems.Add("the manifest is not one line ending in LF");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the manifest is not JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the manifest is not a JSON object");
            }

            CheckCanonical(root, text.Span, problems);
            foreach (var member in root.EnumerateObject())
            {
                if (!Members.Contains(member.Name))
                {
                    problems.Add($"the manifest has the unknown member \"{member.Name}\"");
                }
            }

            var format = Required(root, "format", JsonValueKind.String).GetString();
            var version = format switch
            {
                AuditBundleFiles.Format3 => 3,
                AuditBundleFiles.Format2 => 2,
                AuditBundleFiles.Format => 1,
                _ => 0,
            };
            if (version == 0)
            {
                problems.Add($"the format is \"{format}\", none of \"{AuditBundleFiles.Format3}\", \"{AuditBundleFiles.Format2}\" and \"{AuditBundleFiles.Format}\"");
                version = 3;
            }

            var origin = Required(root, "origin", JsonValueKind.String).GetString()!;
            var treeSize = Required(root, "treeSize", JsonValueKind.Number).TryGetUInt64(out var size) ? size : throw new FormatException("treeSize is not a non-negative integer");
            var eventCount = Required(root, "eventCount", JsonValueKind.Number).TryGetInt64(out var count) && count >= 0
                ? count
                : throw new FormatException("eventCount is not a non-negative integer");
            var scope = BundleScope.Parse(Required(root, "scope", JsonValueKind.Object));
            var positions = ReadPositions(root);
            var streams = ManifestEntries.Streams(Required(root, "streams", JsonValueKind.Array), problems);
            var files = ManifestEntries.Files(Required(root, "files", JsonValueKind.Array), problems);
            return new BundleManifest(version, origin, treeSize, scope, eventCount, streams, positions, files);
        }
    }

    private static void CheckCanonical(JsonElement root, ReadOnlySpan<byte> text, List<string> problems)
    {
        var canonical = new ArrayBufferWriter<byte>(text.Length);
        try
        {
            JsonCanonicalizer.WriteCanonical(root, canonical);
            if (!canonical.WrittenSpan.SequenceEqual(text))
            {
                problems.Add("the manifest is not canonical JSON (RFC 8785)");
            }
        }
        catch (JsonCanonicalizationException e)
        {
            problems.Add($"the manifest has no canonical form: {e.Message}");
        }
    }

    private static PositionRange? ReadPositions(JsonElement root)
    {
        if (!root.TryGetProperty("positions", out var positions))
        {
            throw new FormatException("the manifest has no positions member (null when the scope is not a time range)");
        }

        if (positions.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (positions.ValueKind == JsonValueKind.Object && positions.GetPropertyCount() == 2
            && positions.TryGetProperty("first", out var first) && first.ValueKind == JsonValueKind.Number && first.TryGetInt64(out var a)
            && positions.TryGetProperty("last", out var last) && last.ValueKind == JsonValueKind.Number && last.TryGetInt64(out var b)
            && a >= 1 && b >= a - 1)
        {
            return new PositionRange(a, b);
        }

        throw new FormatException("positions is neither null nor {\"first\": a, \"last\": b} with 1 <= a <= b + 1");
    }

    internal static JsonElement Required(JsonElement parent, string name, JsonValueKind kind) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new FormatException($"{name} is missing or not {(kind == JsonValueKind.Array ? "an" : "a")} {kind.ToString().ToLowerInvariant()}");
}
