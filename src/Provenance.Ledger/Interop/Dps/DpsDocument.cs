using System.Globalization;
using System.Text.Json.Nodes;
using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Irb;
using Provenance.Domain.Licenses;

namespace Provenance.Ledger.Interop.Dps;

/// <summary>
/// The OASIS Data Provenance Metadata v1.0 document of a dataset version (#19, docs/interop.md):
/// every member the ledger knows, derived from its events; what it can't know is left out. The same
/// facts give the same document (no clock: dates are the events').
/// </summary>
internal static partial class DpsDocument
{
    public const string SchemaUri = "https://docs.oasis-open.org/dps/prov-meta/v1.0/schema/data-provenance.json";

    public static JsonObject Build(DatasetVersionRef reference, ClearanceFacts facts, InteropOptions options)
    {
        var dataset = facts.Datasets[reference.DatasetId];
        var version = dataset.Version(reference.Version)!;
        return new JsonObject
        {
            ["$schema"] = SchemaUri,
            ["set"] = Set(dataset, version, options),
            ["source"] = Source(dataset, version, options),
            ["provenance"] = Provenance(dataset, version, facts, options, new HashSet<DatasetVersionRef>()),
            ["use"] = Use(dataset, version, facts),
        };
    }

    private static JsonObject Set(Dataset dataset, DatasetVersion version, InteropOptions options)
    {
        var revisions = Revisions(dataset, version).ToList();
        var publisher = new JsonObject { ["name"] = options.PublisherName, ["namespace"] = options.PublisherNamespace };
        if (!string.IsNullOrWhiteSpace(options.PublisherContact))
        {
            publisher["contact-details"] = options.PublisherContact;
        }

        var set = new JsonObject
        {
            ["category"] = "training-data",
            ["schema-version"] = "1.0",
            ["publisher"] = publisher,
            ["label"] = $"{dataset.Name}, version {version.Version}",
            ["language"] = "en",
            ["tracking"] = new JsonObject
            {
                ["id"] = $"{dataset.Id:D}/versions/{version.Version}",
                ["initial-release-date"] = Instant(revisions[0].At),
                ["current-release-date"] = Instant(revisions[^1].At),
                ["revision-history"] = new JsonArray([.. revisions.Select((r, i) => (JsonNode)new JsonObject
                {
                    ["date"] = Instant(r.At), ["number"] = (i + 1).ToString(CultureInfo.InvariantCulture), ["summary"] = r.Summary,
                })]),
                ["status"] = "final",
                ["version"] = revisions.Count.ToString(CultureInfo.InvariantCulture),
                ["generator"] = new JsonObject { ["engine"] = new JsonObject { ["name"] = "Provenance ledger" } },
            },
        };
        if (version.Parents.Count > 1)
        {
            // DPS holds one sub-provenance; every parent is named here.
            set["notes"] = new JsonArray(new JsonObject
            {
                ["category"] = "general",
                ["title"] = "Derived from several versions",
                ["text"] = "Derived from " + string.Join(", ", version.Parents.Select(p => $"dataset {p.DatasetId:D} version {p.Version}")) +
                           "; provenance.sub-provenance describes the first.",
            });
        }

        return set;
    }

    /// <summary>The events that revised what this version's document says, in log order.</summary>
    private static IEnumerable<(DateTimeOffset At, string Summary)> Revisions(Dataset dataset, DatasetVersion version)
    {
        var changes = new List<(DateTimeOffset At, string Summary)>
        {
            (version.Contribution.ContributedAt, $"Version {version.Version} contributed: {version.Contribution.Files.Count} file(s), {version.RecordCount} records, fingerprint {version.Fingerprint}."),
        };
        if (version.Derivation is { } derived)
        {
            changes.Add((derived.DerivedAt, $"Derivation recorded: {Names.Of(derived.Transformation)} of {derived.Parents.Count} parent version(s)."));
        }

        foreach (var (decided, rescinded) in dataset.Decisions.Where(d => d.Decided.Version == version.Version))
        {
            changes.Add((decided.DecidedAt, $"De-identification decision: {Names.Of(decided.Method)}, {Names.Of(decided.Outcome)}."));
            if (rescinded is not null)
            {
                changes.Add((rescinded.RescindedAt, $"De-identification decision rescinded: {rescinded.Reason}"));
            }
        }

        foreach (var license in dataset.Licenses)
        {
            changes.Add((license.Granted.GrantedAt, $"{LicenseName(license)} granted."));
            if (license.Terminated is { } terminated)
            {
                changes.Add((terminated.TerminatedAt, $"{LicenseName(license)} terminated effective {Day(terminated.EffectiveOn)}."));
            }
        }

        foreach (var (quarantined, released) in version.Quarantines)
        {
            changes.Add((quarantined.QuarantinedAt, $"Quarantined: {quarantined.Reason}"));
            if (released is not null)
            {
                changes.Add((released.ReleasedAt, $"Released from quarantine: {released.Reason}"));
            }
        }

        foreach (var withdrawal in dataset.ConsentWithdrawals.Where(w => w.Version == version.Version))
        {
            changes.Add((withdrawal.EnteredAt, $"Consent withdrawn by {withdrawal.SubjectCount} subject(s), effective {Day(withdrawal.EffectiveOn)}."));
        }

        if (dataset.Retirement is { } retired)
        {
            changes.Add((retired.RetiredAt, $"Dataset retired: {retired.Reason}"));
        }

        // A stable order: by time, then by what was said (two events of one instant stay in one order).
        return changes.OrderBy(c => c.At).ThenBy(c => c.Summary, StringComparer.Ordinal);
    }

    private static JsonObject Source(Dataset dataset, DatasetVersion version, InteropOptions options)
    {
        var hashes = new JsonArray([.. version.Contribution.Files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => (JsonNode)new JsonObject
        {
            ["path"] = f.Path,
            ["tree-hashes"] = new JsonArray(new JsonObject { ["algorithm"] = "sha256", ["value"] = f.Sha256 }),
        })]);
        // The manifest fingerprint: SHA-256 of the canonical manifest (docs/stewards-guide.md), over the whole file set.
        hashes.Add(new JsonObject
        {
            ["path"] = version.Contribution.StorageUri,
            ["tree-hashes"] = new JsonArray(new JsonObject { ["algorithm"] = "sha256-provenance-manifest", ["value"] = version.Fingerprint[Manifest.FingerprintPrefix.Length..] }),
        });
        return new JsonObject
        {
            ["about"] = new JsonObject
            {
                ["content"] = string.IsNullOrWhiteSpace(dataset.Description) ? $"{Names.Of(dataset.Modality)} data from {dataset.SourceInstitution}." : dataset.Description,
                ["purpose"] = $"Registered on the provenance ledger for AI model development; permitted uses are those of its licenses and IRB approvals (use.intended-purpose).",
                ["scope"] = $"{Names.Of(dataset.Modality)} data collected {Day(dataset.CollectionStart)} to {Day(dataset.CollectionEnd)}; version {version.Version} holds {version.RecordCount.ToString("N0", CultureInfo.InvariantCulture)} records.",
            },
            ["id"] = new JsonObject { ["hashes"] = hashes, ["uuids"] = new JsonArray(dataset.Id.ToString("D")) },
            ["issuer"] = new JsonArray(new JsonObject { ["legal-name"] = dataset.SourceInstitution }),
            ["location"] = options.Link($"/datasets/{dataset.Id:D}/versions/{version.Version}/dps"),
            ["name"] = dataset.Name,
            ["data-version"] = version.Version.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static JsonObject Provenance(Dataset dataset, DatasetVersion version, ClearanceFacts facts, InteropOptions options, HashSet<DatasetVersionRef> visiting)
    {
        var provenance = new JsonObject
        {
            ["origin"] = new JsonArray(new JsonObject { ["legal-name"] = dataset.SourceInstitution }),
            ["origin-geography"] = new JsonArray(new JsonObject { ["country"] = options.OriginCountry }),
            ["date"] = Day(DateOnly.FromDateTime(version.Contribution.ContributedAt.UtcDateTime)),
            ["generation-period"] = new JsonObject
            {
                ["start"] = Instant(new DateTimeOffset(dataset.CollectionStart.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)),
                ["end"] = Instant(new DateTimeOffset(dataset.CollectionEnd.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero)),
            },
            ["generation-method"] = new JsonArray(Method(dataset, version)),
            ["format"] = new JsonArray([.. Formats(version).Select(f => (JsonNode)f)]),
        };
        if (dataset.Versions.LastOrDefault(v => v.Version < version.Version) is { } previous)
        {
            provenance["previous-date"] = Day(DateOnly.FromDateTime(previous.Contribution.ContributedAt.UtcDateTime));
        }

        var reference = new DatasetVersionRef(dataset.Id, version.Version);
        if (version.Parents.Count > 0 && visiting.Add(reference))
        {
            var parent = version.Parents[0];
            provenance["source"] = options.Link($"/datasets/{parent.DatasetId:D}/versions/{parent.Version}/dps");
            if (facts.Datasets.TryGetValue(parent.DatasetId, out var parentDataset) && parentDataset.Version(parent.Version) is { } parentVersion)
            {
                provenance["sub-provenance"] = Provenance(parentDataset, parentVersion, facts, options, visiting);
            }
        }

        return provenance;
    }

    private static JsonObject Method(Dataset dataset, DatasetVersion version) => version.Derivation is { } derived
        ? new JsonObject
        {
            ["code"] = "other",
            ["system"] = "provenance-transformation",
            ["long-description"] = $"Derived by {Names.Of(derived.Transformation)}: {derived.Description} (code {derived.CodeReference}).",
        }
        : new JsonObject
        {
            ["code"] = "primary-user-source",
            ["long-description"] = $"Clinical records of {dataset.SourceInstitution}, contributed by its data steward ({dataset.Steward}).",
        };

    // The media types DPS names, by the manifest's file extensions; anything else is "other".
    private static IEnumerable<string> Formats(DatasetVersion version) => version.Contribution.Files
        .Select(f => Path.GetExtension(f.Path).ToLowerInvariant() switch
        {
            ".json" or ".jsonl" or ".ndjson" => "application/json",
            ".jsonld" => "application/jsonld",
            ".csv" => "text/csv",
            ".txt" or ".md" => "text/plain",
            ".zip" => "application/zip",
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".gif" => "image/gif",
            ".bmp" => "image/bmp",
            ".xls" or ".xlsx" => "application/vnd.ms-excel",
            ".doc" or ".docx" => "application/msword",
            _ => "other",
        })
        .Distinct().Order(StringComparer.Ordinal);

    private static string LicenseName(DatasetLicense license) => license.Granted.Kind switch
    {
        LicenseKind.Spdx => license.Granted.SpdxId!,
        LicenseKind.DataUseAgreement => $"Data use agreement {license.TermsHistory[^1].Terms.DocumentReference} (SHA-256 {license.TermsHistory[^1].Terms.DocumentSha256})",
        _ => $"Business associate agreement {license.TermsHistory[^1].Terms.DocumentReference} (SHA-256 {license.TermsHistory[^1].Terms.DocumentSha256})",
    };

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
