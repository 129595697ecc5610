using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Canonicalization;
using Provenance.Integrity.Merkle;

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

    /// <summary>
    /// Removes events that match, and writes the multiproof of the events left, which a tamperer
    /// computes from the bundle alone (<see cref="KnownTree"/>): every remaining event is still proved.
    /// </summary>
    public int DropEvents(Func<JsonElement, bool> match)
    {
        var events = Lines(AuditBundleFiles.Events);
        var tree = KnownTree();
        var keep = events.Where(line => !match(JsonDocument.Parse(line).RootElement)).ToList();
        SetLines(AuditBundleFiles.Events, keep);
        SetLines(AuditBundleFiles.Multiproof, tree.Multiproof(keep.Select(PositionOf)).Select(Convert.ToBase64String));
        return events.Count - keep.Count;
    }

    /// <summary>What the bundle tells of its tree: its events' leaves and its multiproof's subtrees, against the manifest's tree size.</summary>
    public KnownTree KnownTree()
    {
        var treeSize = Manifest()["treeSize"]!.GetValue<ulong>();
        var tree = new KnownTree(treeSize);
        var events = Lines(AuditBundleFiles.Events);
        var hashes = new Queue<byte[]>(Lines(AuditBundleFiles.Multiproof).Select(Convert.FromBase64String));
        var nodes = new List<(ulong Begin, ulong End)>();
        ulong next = 0;
        foreach (var line in events.Append(null))
        {
            var leaf = line is null ? treeSize : (ulong)PositionOf(line) - 1;
            nodes.Clear();
            Multiproof.GapNodes(next, leaf, treeSize, nodes);
            foreach (var node in nodes)
            {
                tree.Know(node, hashes.Dequeue());
            }

            if (line is not null)
            {
                tree.Know((leaf, leaf + 1), MerkleTree.LeafHash(Encoding.UTF8.GetBytes(line)));
                next = leaf + 1;
            }
        }

        return tree;
    }

    /// <summary>An edges.ndjson line for an event of the bundle, its inclusion proof computed from what the bundle tells of the tree.</summary>
    public string EdgeLine(string side, string eventLine)
    {
        var position = PositionOf(eventLine);
        var proof = KnownTree().InclusionProof((ulong)position - 1);
        var edge = new JsonObject
        {
            ["envelope"] = JsonNode.Parse(eventLine),
            ["leafIndex"] = position - 1,
            ["position"] = position,
            ["proof"] = Convert.ToBase64String([.. proof.SelectMany(h => h)]),
            ["side"] = side,
        };
        return Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(edge));
    }

    private static long PositionOf(string eventLine) => JsonDocument.Parse(eventLine).RootElement.GetProperty("position").GetInt64();

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
}

/// <summary>
/// The hashes of a tree that a holder of a format 3 bundle knows: its events' leaves, its
/// multiproof's subtrees, and every subtree made of those (which covers the multiproof of any
/// subset of its events and their inclusion proofs).
/// </summary>
internal sealed class KnownTree(ulong treeSize)
{
    private readonly Dictionary<(ulong Begin, ulong End), byte[]> _known = [];

    public void Know((ulong Begin, ulong End) node, byte[] hash) => _known[node] = hash;

    /// <summary>The multiproof of the events at <paramref name="positions"/> (increasing).</summary>
    public List<byte[]> Multiproof(IEnumerable<long> positions)
    {
        var nodes = new List<(ulong Begin, ulong End)>();
        ulong next = 0;
        foreach (var position in positions)
        {
            Provenance.Integrity.Merkle.Multiproof.GapNodes(next, (ulong)position - 1, treeSize, nodes);
            next = (ulong)position;
        }

        Provenance.Integrity.Merkle.Multiproof.GapNodes(next, treeSize, treeSize, nodes);
        return [.. nodes.Select(Hash)];
    }

    /// <summary>RFC 9162's inclusion proof of <paramref name="leaf"/>, deepest sibling first.</summary>
    public List<byte[]> InclusionProof(ulong leaf)
    {
        var path = new List<byte[]>();
        ulong low = 0, high = treeSize;
        while (high - low > 1)
        {
            var split = Split(low, high);
            path.Add(leaf < split ? Hash((split, high)) : Hash((low, split)));
            (low, high) = leaf < split ? (low, split) : (split, high);
        }

        path.Reverse();
        return path;
    }

    private byte[] Hash((ulong Begin, ulong End) node)
    {
        if (_known.TryGetValue(node, out var hash))
        {
            return hash;
        }

        Assert.True(node.End - node.Begin > 1, $"the bundle does not tell the hash of leaf {node.Begin}");
        var split = Split(node.Begin, node.End);
        return _known[node] = MerkleTree.NodeHash(Hash((node.Begin, split)), Hash((split, node.End)));
    }

    private static ulong Split(ulong low, ulong high) => low + (1UL << (63 - System.Numerics.BitOperations.LeadingZeroCount(high - low - 1)));
}
