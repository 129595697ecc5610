using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Canonicalization;
using Provenance.Integrity.Checkpoints;

namespace Provenance.Integrity.Tests.Bundles;

/// <summary>A temporary folder holding a bundle, with the edits a tamperer would make to it.</summary>
internal sealed class BundleFolder : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("provenance-bundle-");

    public string Root => _root.FullName;

    /// <summary>Where the bundle directory goes (created by the writer).</summary>
    public string Bundle => Path.Combine(Root, "bundle");

    public string Zip => Path.Combine(Root, "bundle.zip");

    public string File(string name) => Path.Combine(Bundle, name);

    public List<byte[]> Lines(string name)
    {
        var bytes = System.IO.File.ReadAllBytes(File(name));
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        return lines;
    }

    public void SetLines(string name, IEnumerable<byte[]> lines) =>
        System.IO.File.WriteAllBytes(File(name), [.. lines.SelectMany(line => line.Append((byte)'\n'))]);

    public void EditLines(string name, Action<List<byte[]>> edit)
    {
        var lines = Lines(name);
        edit(lines);
        SetLines(name, lines);
    }

    public void EditText(string name, Func<string, string> edit) =>
        System.IO.File.WriteAllText(File(name), edit(System.IO.File.ReadAllText(File(name))));

    public JsonObject Manifest() => JsonNode.Parse(System.IO.File.ReadAllBytes(File(AuditBundleFiles.Manifest)))!.AsObject();

    public void EditManifest(Action<JsonObject> edit)
    {
        var manifest = Manifest();
        edit(manifest);
        System.IO.File.WriteAllBytes(File(AuditBundleFiles.Manifest), [.. JsonCanonicalizer.Canonicalize(manifest), (byte)'\n']);
    }

    /// <summary>What a tamperer does after editing files: the manifest's sizes, hashes and event count made to match again (it is not signed).</summary>
    public void Reseal() => EditManifest(manifest =>
    {
        var events = System.IO.File.ReadAllBytes(File(AuditBundleFiles.Events));
        manifest["eventCount"] = events.Count((byte)'\n') + (events.Length > 0 && events[^1] != '\n' ? 1 : 0);
        foreach (var file in manifest["files"]!.AsArray())
        {
            var bytes = System.IO.File.ReadAllBytes(File(file!["path"]!.GetValue<string>()));
            file["bytes"] = bytes.Length;
            file["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }
    });

    public Task<BundleVerificationResult> VerifyAsync(VerifierKey? key, string? path = null) =>
        new AuditBundleVerifier(key) { MaxFailures = 100 }.VerifyAsync(path ?? Bundle);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(byte[] utf8) => Encoding.UTF8.GetString(utf8);

    public void Dispose() => _root.Delete(recursive: true);
}
