using System.Text.Json;

namespace Provenance.Integrity.Bundles;

/// <summary>Reads the manifest's <c>streams</c> and <c>files</c> entries, reporting each malformed or misplaced one.</summary>
internal static class ManifestEntries
{
    private const int Sha256HexLength = 64;

    public static List<StreamClaim> Streams(JsonElement array, List<string> problems)
    {
        var claims = new List<StreamClaim>();
        string? previous = null;
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            index++;
            var at = $"streams[{index}]";
            if (item.ValueKind != JsonValueKind.Object || item.GetPropertyCount() != 4
                || !Text(item, "stream", out var stream) || !EnvelopeReader.TryParseUuid(stream, out var id)
                || !Text(item, "streamType", out var streamType)
                || !Integer(item, "firstVersion", out var first) || !Integer(item, "lastVersion", out var last))
            {
                problems.Add($"{at} is not {{\"firstVersion\", \"lastVersion\", \"stream\" (a lowercase UUID), \"streamType\"}}");
                continue;
            }

            if (StreamKind.OfStreamType(streamType) is null)
            {
                problems.Add($"{at} has the unknown streamType \"{streamType}\" (dataset, irb-protocol or model)");
                continue;
            }

            if (first < 1 || last < first)
            {
                problems.Add($"{at} claims versions {first} to {last}, which is not a range from version 1 on");
                continue;
            }

            if (previous is not null && string.CompareOrdinal(previous, stream) >= 0)
            {
                problems.Add($"{at} ({stream}) is not after {previous}: streams are sorted by stream, each once");
                continue;
            }

            previous = stream;
            claims.Add(new StreamClaim(id, streamType, first, last));
        }

        return claims;
    }

    public static List<ManifestFile> Files(JsonElement array, List<string> problems)
    {
        var files = new List<ManifestFile>();
        string? previous = null;
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            index++;
            var at = $"files[{index}]";
            if (item.ValueKind != JsonValueKind.Object || item.GetPropertyCount() != 3
                || !Text(item, "path", out var path) || !Integer(item, "bytes", out var bytes) || bytes < 0
                || !Text(item, "sha256", out var sha256) || !IsSha256(sha256))
            {
                problems.Add($"{at} is not {{\"bytes\", \"path\", \"sha256\" (64 lowercase hex digits)}}");
                continue;
            }

            if (previous is not null && string.CompareOrdinal(previous, path) >= 0)
            {
                problems.Add($"{at} ({path}) is not after {previous}: files are sorted by path, each once");
                continue;
            }

            previous = path;
            files.Add(new ManifestFile(path, bytes, sha256));
        }

        return files;
    }

    private static bool Text(JsonElement item, string name, out string text)
    {
        text = item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
        return text.Length > 0;
    }

    private static bool Integer(JsonElement item, string name, out long value)
    {
        value = 0;
        return item.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
    }

    private static bool IsSha256(string hex) =>
        hex.Length == Sha256HexLength && hex.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
