namespace Provenance.Integrity.Bundles;

/// <summary>The files of an audit bundle (docs/audit-bundle-format.md), by format version, and their order in a ZIP.</summary>
public static class AuditBundleFiles
{
    /// <summary>The manifest's <c>format</c> for version 1: completeness is the exporter's claim.</summary>
    public const string Format = "provenance-audit-bundle/1";

    /// <summary>The manifest's <c>format</c> for version 2 (#16): completeness proved against the signed stream index.</summary>
    public const string Format2 = "provenance-audit-bundle/2";

    /// <summary>
    /// The manifest's <c>format</c> for version 3 (#22): as version 2, with one multiproof of all
    /// the events (<see cref="Multiproof"/>) instead of an inclusion proof for each.
    /// </summary>
    public const string Format3 = "provenance-audit-bundle/3";

    /// <summary>What the bundle claims, and the SHA-256 of every other file.</summary>
    public const string Manifest = "manifest.json";

    /// <summary>The signed checkpoint the events are proved against.</summary>
    public const string Checkpoint = "checkpoint.txt";

    /// <summary>The verifier key of the log's signing key.</summary>
    public const string PublicKey = "public-key.txt";

    /// <summary>One canonical event envelope per line.</summary>
    public const string Events = "events.ndjson";

    /// <summary>One inclusion proof per line, for the event on the same line.</summary>
    public const string Proofs = "proofs.ndjson";

    /// <summary>Version 3: the hashes of the subtrees that, with the events' leaves, fold to the checkpoint's root; one base64 hash per line.</summary>
    public const string Multiproof = "multiproof.txt";

    /// <summary>Version 2: one stream index proof per line, for every stream the bundle claims complete.</summary>
    public const string Index = "index.ndjson";

    /// <summary>Version 2: the events just outside a time range, each with its inclusion proof.</summary>
    public const string Edges = "edges.ndjson";

    /// <summary>The lineage as W3C PROV-JSON.</summary>
    public const string Prov = "prov.json";

    /// <summary>The lineage and its findings, for people.</summary>
    public const string Report = "report.html";

    /// <summary>#18, a model-version bundle of version 2: the CHAI Applied Model Card v0.2 of the version.</summary>
    public const string ModelCard = "model-card.xml";

    /// <summary>#18, a model-version bundle of version 2: the procurement disclosure, every statement citing positions.</summary>
    public const string Disclosure = "disclosure.json";

    /// <summary>The scope documents a version 2 model-version bundle carries (both or neither), after the other files in a ZIP.</summary>
    public static IReadOnlyList<string> Documents { get; } = [ModelCard, Disclosure];

    /// <summary>Every file of a version 1 bundle, in the order a ZIP of the bundle stores them (the specification's layout table).</summary>
    public static IReadOnlyList<string> All { get; } = [Manifest, Checkpoint, PublicKey, Events, Proofs, Prov, Report];

    /// <summary>Every file of a version 2 bundle, in the order a ZIP of the bundle stores them.</summary>
    public static IReadOnlyList<string> All2 { get; } = [Manifest, Checkpoint, PublicKey, Events, Proofs, Index, Edges, Prov, Report];

    /// <summary>Every file of a version 3 bundle, in the order a ZIP of the bundle stores them.</summary>
    public static IReadOnlyList<string> All3 { get; } = [Manifest, Checkpoint, PublicKey, Events, Multiproof, Index, Edges, Prov, Report];

    /// <summary>The manifest's <c>format</c> of a bundle of <paramref name="version"/> (1, 2 or 3).</summary>
    public static string FormatOf(int version) => version switch
    {
        1 => Format,
        2 => Format2,
        _ => Format3,
    };

    /// <summary>The file that proves the events are in the tree: <see cref="Proofs"/> up to version 2, <see cref="Multiproof"/> from version 3.</summary>
    public static string ProofsOf(int version) => version >= 3 ? Multiproof : Proofs;

    /// <summary>The files the manifest of a version 1 bundle lists (all but itself), sorted by path as it lists them.</summary>
    public static IReadOnlyList<string> Listed { get; } = [.. All.Where(f => f != Manifest).Order(StringComparer.Ordinal)];

    /// <summary>Every file of a bundle of <paramref name="version"/> (1, 2 or 3), with the scope <see cref="Documents"/> when it carries them.</summary>
    public static IReadOnlyList<string> AllOf(int version, bool withDocuments = false) => version switch
    {
        1 => All,
        2 => withDocuments ? [.. All2, .. Documents] : All2,
        _ => withDocuments ? [.. All3, .. Documents] : All3,
    };

    /// <summary>The format version a bundle's files show, without its manifest: 3 with a multiproof, 2 with a stream index file, else 1.</summary>
    public static int VersionOf(IReadOnlyCollection<string> fileNames) =>
        fileNames.Contains(Multiproof, StringComparer.Ordinal) ? 3 : fileNames.Contains(Index, StringComparer.Ordinal) ? 2 : 1;

    /// <summary>The files the manifest of a bundle of <paramref name="version"/> lists, sorted by path.</summary>
    public static IReadOnlyList<string> ListedOf(int version, bool withDocuments = false) =>
        [.. AllOf(version, withDocuments).Where(f => f != Manifest).Order(StringComparer.Ordinal)];
}
