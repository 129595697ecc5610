using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Api.Tests.Exports;

/// <summary>
/// An exported bundle unpacked to a folder, with the edits an exporter who wants to hide something
/// would make, and the reseal that makes the unsigned manifest match the edited files again.
/// </summary>
internal sealed class BundleTampering
{
    private BundleTampering(string directory) => Directory = directory;

    public string Directory { get; }

    public static BundleTampering Unpack(string zip, string directory)
    {
        ZipFile.ExtractToDirectory(zip, directory);
        return new BundleTampering(directory);
    }

    public List<string> Lines(string file) =>
        File.ReadAllText(Path.Combine(Directory, file)).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    public void SetLines(string file, IEnumerable<string> lines) => File.WriteAllText(Path.Combine(Directory, file), string.Concat(lines.Select(l => l + "\n")));

    public JsonObject Manifest() => JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, AuditBundleFiles.Manifest)))!.AsObject();

    public void SetManifest(JsonObject manifest) =>
        File.WriteAllBytes(Path.Combine(Directory, AuditBundleFiles.Manifest), [.. JsonCanonicalizer.Canonicalize(manifest), (byte)'\n']);

    /// <summary>Removes events (and their proofs) that match.</summary>
    public int DropEvents(Func<JsonElement, bool> match)
    {
        var (events, proofs) = (Lines(AuditBundleFiles.Events), Lines(AuditBundleFiles.Proofs));
        var keep = events.Select((line, i) => (line, i)).Where(x => !match(JsonDocument.Parse(x.line).RootElement)).Select(x => x.i).ToList();
        SetLines(AuditBundleFiles.Events, keep.Select(i => events[i]));
        SetLines(AuditBundleFiles.Proofs, keep.Select(i => proofs[i]));
        return events.Count - keep.Count;
    }

    /// <summary>Removes a stream altogether: its events and proofs, its claim and its index line.</summary>
    public void DropStream(Guid stream)
    {
        Assert.True(DropEvents(e => e.GetProperty("stream").GetGuid() == stream) > 0, $"the bundle holds no event of {stream}");
        SetLines(AuditBundleFiles.Index, Lines(AuditBundleFiles.Index).Where(l => !l.Contains($"\"stream\":\"{stream}\"}}", StringComparison.Ordinal)));
        var manifest = Manifest();
        var streams = manifest["streams"]!.AsArray();
        streams.Remove(streams.Single(s => s!["stream"]!.GetValue<string>() == stream.ToString()));
        SetManifest(manifest);
    }

    /// <summary>Cuts a stream's last events down to <paramref name="lastVersion"/>, and lowers its claim to match.</summary>
    public void CutStream(Guid stream, long lastVersion)
    {
        Assert.True(DropEvents(e => e.GetProperty("stream").GetGuid() == stream && e.GetProperty("version").GetInt64() > lastVersion) > 0);
        var manifest = Manifest();
        manifest["streams"]!.AsArray().Single(s => s!["stream"]!.GetValue<string>() == stream.ToString())!["lastVersion"] = lastVersion;
        SetManifest(manifest);
    }

    /// <summary>What a tamperer does last: the manifest's event count, sizes and hashes made to match the files (it is not signed).</summary>
    public void Reseal()
    {
        var manifest = Manifest();
        manifest["eventCount"] = Lines(AuditBundleFiles.Events).Count;
        foreach (var file in manifest["files"]!.AsArray())
        {
            var bytes = File.ReadAllBytes(Path.Combine(Directory, file!["path"]!.GetValue<string>()));
            file["bytes"] = bytes.Length;
            file["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }

        SetManifest(manifest);
    }

    /// <summary>An edges.ndjson line made of an event line and its proof line, as an exporter would write it.</summary>
    public static string EdgeLine(string side, string eventLine, string proofLine)
    {
        var proof = JsonDocument.Parse(proofLine).RootElement;
        var edge = new JsonObject
        {
            ["envelope"] = JsonNode.Parse(eventLine),
            ["leafIndex"] = proof.GetProperty("leafIndex").GetInt64(),
            ["position"] = proof.GetProperty("position").GetInt64(),
            ["proof"] = proof.GetProperty("proof").GetString(),
            ["side"] = side,
        };
        return Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(edge));
    }
}
