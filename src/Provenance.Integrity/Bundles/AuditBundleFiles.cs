namespace Provenance.Integrity.Bundles;

/// <summary>The files of an audit bundle, version 1 (docs/audit-bundle-format.md), and their order in a ZIP.</summary>
public static class AuditBundleFiles
{
    /// <summary>The manifest's <c>format</c>.</summary>
    public const string Format = "provenance-audit-bundle/1";

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

    /// <summary>The lineage as W3C PROV-JSON.</summary>
    public const string Prov = "prov.json";

    /// <summary>The lineage and its findings, for people.</summary>
    public const string Report = "report.html";

    /// <summary>Every file of a bundle, in the order a ZIP of the bundle stores them (the specification's layout table).</summary>
    public static IReadOnlyList<string> All { get; } = [Manifest, Checkpoint, PublicKey, Events, Proofs, Prov, Report];

    /// <summary>The files the manifest lists (all but itself), sorted by path as it lists them.</summary>
    public static IReadOnlyList<string> Listed { get; } = [.. All.Where(f => f != Manifest).Order(StringComparer.Ordinal)];
}
