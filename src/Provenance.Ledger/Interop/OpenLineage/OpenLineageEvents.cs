using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Licenses;
using Provenance.Ledger.Models.Disclosing;

namespace Provenance.Ledger.Interop.OpenLineage;

/// <summary>
/// A model version's lineage as OpenLineage 2-0-2 RunEvents (#19, docs/interop.md): one run per
/// derivation of an upstream dataset version (a COMPLETE event when it was recorded) and one per
/// training run (START at its start, COMPLETE at its finish), datasets named stably, the standard
/// facets where they fit and the ledger's own facets (de-identification, IRB coverage, license,
/// clearance) with their schemas at <c>/openlineage/facets/</c>. Deterministic: in event-time order,
/// each derivation's run id derived from the version it made.
/// </summary>
internal static class OpenLineageEvents
{
    public const string SpecUrl = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";

    /// <summary>The custom facets: their key in a dataset's facets, and their schema's file name.</summary>
    public static IReadOnlyDictionary<string, string> CustomFacets { get; } = new Dictionary<string, string>
    {
        ["provenance_deidentification"] = "ProvenanceDeidentificationDatasetFacet",
        ["provenance_irbCoverage"] = "ProvenanceIrbCoverageDatasetFacet",
        ["provenance_license"] = "ProvenanceLicenseDatasetFacet",
        ["provenance_clearance"] = "ProvenanceClearanceDatasetFacet",
    };

    public static IReadOnlyList<JsonObject> Build(ModelDossier dossier, InteropOptions options)
    {
        var events = new List<(DateTimeOffset At, int Order, JsonObject Event)>();
        var builder = new Builder(dossier.Facts, dossier.Model, options);
        foreach (var (dataset, version) in Upstream(dossier))
        {
            events.Add((version.Derivation!.DerivedAt, 0, builder.Derivation(dataset, version, version.Derivation)));
        }

        foreach (var run in dossier.Version.Runs)
        {
            events.Add((run.Recorded.StartedAt, 1, builder.Training(run.Recorded, "START", run.Recorded.StartedAt)));
            events.Add((run.Recorded.FinishedAt, 2, builder.Training(run.Recorded, "COMPLETE", run.Recorded.FinishedAt)));
        }

        return [.. events.OrderBy(e => e.At).ThenBy(e => e.Order).ThenBy(e => e.Event["run"]!["runId"]!.GetValue<string>(), StringComparer.Ordinal).Select(e => e.Event)];
    }

    /// <summary>The COMPLETE event of the derivation that made <paramref name="version"/> (#19 push), from the facts as they stood when it was recorded.</summary>
    public static JsonObject ForDerivation(ClearanceFacts facts, DatasetVersionRef version, InteropOptions options)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(version);
        var dataset = facts.Datasets[version.DatasetId];
        var derived = dataset.Version(version.Version)!;
        return new Builder(facts, null, options).Derivation(dataset, derived, derived.Derivation!);
    }

    /// <summary>The START and COMPLETE events of one training run (#19 push).</summary>
    public static IReadOnlyList<JsonObject> ForTrainingRun(ModelDossier dossier, Guid runId, InteropOptions options)
    {
        ArgumentNullException.ThrowIfNull(dossier);
        var run = dossier.Version.Runs.Single(r => r.Recorded.RunId == runId).Recorded;
        var builder = new Builder(dossier.Facts, dossier.Model, options);
        return [builder.Training(run, "START", run.StartedAt), builder.Training(run, "COMPLETE", run.FinishedAt)];
    }

    /// <summary>The derived versions the version's training inputs come from, the inputs included, each once.</summary>
    private static IEnumerable<(Dataset Dataset, DatasetVersion Version)> Upstream(ModelDossier dossier)
    {
        var seen = new HashSet<DatasetVersionRef>();
        var pending = new Stack<DatasetVersionRef>(dossier.Version.TrainingInputs);
        while (pending.TryPop(out var reference))
        {
            if (!seen.Add(reference) || !dossier.Facts.Datasets.TryGetValue(reference.DatasetId, out var dataset) || dataset.Version(reference.Version) is not { } version)
            {
                continue;
            }

            if (version.Derivation is not null)
            {
                yield return (dataset, version);
            }

            foreach (var parent in version.Parents)
            {
                pending.Push(parent);
            }
        }
    }

    /// <summary>The run id of a derivation: a name-based UUID of the version it made, so the same derivation always has the same run.</summary>
    public static Guid DerivationRunId(DatasetVersionRef version)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"provenance:derivation:{version.DatasetId:D}:{version.Version}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: a custom, name-based UUID (RFC 9562)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // the RFC variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    private sealed class Builder(ClearanceFacts facts, Domain.Models.Model? model, InteropOptions options)
    {
        private readonly string _producer = options.Link("/");

        public JsonObject Derivation(Dataset dataset, DatasetVersion version, Domain.Datasets.ContributingVersion.DatasetVersionDerived derived)
        {
            var reference = new DatasetVersionRef(dataset.Id, version.Version);
            return Event("COMPLETE", derived.DerivedAt, DerivationRunId(reference),
                Job($"derive.{dataset.Id:D}.v{version.Version}", "DERIVATION", $"{Names.Of(derived.Transformation)}: {derived.Description}", derived.CodeReference),
                [.. derived.Parents.Select(p => Dataset(p, DateOnly.FromDateTime(derived.DerivedAt.UtcDateTime), clearance: false))],
                [Dataset(reference, DateOnly.FromDateTime(derived.DerivedAt.UtcDateTime), clearance: false)]);
        }

        public JsonObject Training(Domain.Models.TrainingRunRecorded run, string type, DateTimeOffset at)
        {
            var day = DateOnly.FromDateTime(run.StartedAt.UtcDateTime);
            var registration = model!.Registration;
            return Event(type, at, run.RunId,
                Job($"train.{registration.ModelId:D}", "TRAINING", $"Training of {registration.Name} (intended use: {registration.IntendedUse}). {run.Notes}".Trim(), run.CodeReference),
                [.. run.Inputs.Select(i => Dataset(i.ToRef(), day, clearance: true))],
                type == "COMPLETE"
                    ? [new JsonObject { ["namespace"] = options.OpenLineageNamespace, ["name"] = $"models/{registration.ModelId:D}/versions/{run.ModelVersion}" }]
                    : []);
        }

        private JsonObject Event(string type, DateTimeOffset at, Guid runId, JsonObject job, JsonArray inputs, JsonArray outputs) => new()
        {
            ["eventType"] = type,
            ["eventTime"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["producer"] = _producer,
            ["schemaURL"] = SpecUrl,
            ["run"] = new JsonObject { ["runId"] = runId.ToString("D") },
            ["job"] = job,
            ["inputs"] = inputs,
            ["outputs"] = outputs,
        };

        private JsonObject Job(string name, string jobType, string description, string codeReference)
        {
            var facets = new JsonObject
            {
                ["jobType"] = Facet("https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet",
                    new JsonObject { ["processingType"] = "BATCH", ["integration"] = "PROVENANCE", ["jobType"] = jobType }),
                ["documentation"] = Facet("https://openlineage.io/spec/facets/1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet",
                    new JsonObject { ["description"] = description, ["contentType"] = "text/plain" }),
            };
            // The code reference is free text on the ledger; only an absolute URI can stand as the facet's url.
            if (Uri.TryCreate(codeReference, UriKind.Absolute, out var url))
            {
                facets["sourceCodeLocation"] = Facet("https://openlineage.io/spec/facets/1-1-0/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet",
                    new JsonObject { ["type"] = url.Scheme == "git" || codeReference.Contains(".git", StringComparison.Ordinal) ? "git" : url.Scheme, ["url"] = url.OriginalString });
            }

            return new JsonObject { ["namespace"] = options.OpenLineageNamespace, ["name"] = name, ["facets"] = facets };
        }

        private JsonObject Dataset(DatasetVersionRef reference, DateOnly day, bool clearance)
        {
            var node = new JsonObject { ["namespace"] = options.OpenLineageNamespace, ["name"] = $"datasets/{reference.DatasetId:D}/versions/{reference.Version}" };
            if (!facts.Datasets.TryGetValue(reference.DatasetId, out var dataset) || dataset.Version(reference.Version) is not { } version)
            {
                return node;
            }

            var facets = new JsonObject
            {
                ["version"] = Facet("https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet",
                    new JsonObject { ["datasetVersion"] = version.Fingerprint }),
                ["dataSource"] = Facet("https://openlineage.io/spec/facets/1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet",
                    new JsonObject { ["name"] = dataset.SourceInstitution, ["uri"] = options.Link($"/datasets/{dataset.Id:D}") }),
                ["documentation"] = Facet("https://openlineage.io/spec/facets/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet",
                    new JsonObject { ["description"] = $"{dataset.Name}, version {version.Version}: {Names.Of(dataset.Modality)}, {version.RecordCount} records. {dataset.Description}".Trim(), ["contentType"] = "text/plain" }),
                ["ownership"] = Facet("https://openlineage.io/spec/facets/1-0-1/OwnershipDatasetFacet.json#/$defs/OwnershipDatasetFacet",
                    new JsonObject
                    {
                        ["owners"] = new JsonArray(
                            new JsonObject { ["name"] = $"institution:{dataset.SourceInstitution}", ["type"] = "ISSUER" },
                            new JsonObject { ["name"] = $"steward:{dataset.Steward}", ["type"] = "STEWARD" }),
                    }),
                ["provenance_deidentification"] = Custom("provenance_deidentification", new JsonObject
                {
                    ["decisions"] = new JsonArray([.. dataset.Decisions.Where(d => d.Decided.Version == version.Version).Select(d => (JsonNode)new JsonObject
                    {
                        ["method"] = Names.Of(d.Decided.Method), ["outcome"] = Names.Of(d.Decided.Outcome), ["decidedBy"] = d.Decided.DecidedBy,
                        ["decidedAt"] = Instant(d.Decided.DecidedAt), ["rescindedAt"] = d.Rescinded is null ? null : Instant(d.Rescinded.RescindedAt),
                    })]),
                }),
                ["provenance_irbCoverage"] = Custom("provenance_irbCoverage", new JsonObject
                {
                    ["day"] = Day(day),
                    ["protocols"] = new JsonArray([.. facts.ProtocolsEverCovering(dataset.Id).OrderBy(p => p.Approval.ProtocolNumber, StringComparer.Ordinal).Select(p => (JsonNode)new JsonObject
                    {
                        ["protocolNumber"] = p.Approval.ProtocolNumber, ["irbName"] = p.Approval.IrbName, ["irbRegistration"] = p.Approval.IrbRegistration,
                        ["reviewType"] = Names.Of(p.Approval.ReviewType), ["consentBasis"] = Names.Of(p.Approval.ConsentBasis), ["standing"] = Names.Of(p.StandingOn(day)),
                    })]),
                }),
                ["provenance_license"] = Custom("provenance_license", new JsonObject
                {
                    ["day"] = Day(day),
                    ["licenses"] = new JsonArray([.. dataset.Licenses.Select(l => (JsonNode)License(l, day))]),
                }),
            };
            if (clearance)
            {
                var result = ClearanceRules.Evaluate(reference, day, model?.Registration.Commercial ?? false, facts);
                facets["provenance_clearance"] = Custom("provenance_clearance", new JsonObject
                {
                    ["day"] = Day(day),
                    ["cleared"] = result.Cleared,
                    ["findings"] = new JsonArray([.. result.Findings.Select(f => (JsonNode)new JsonObject { ["code"] = f.Code, ["message"] = f.Message })]),
                });
            }

            node["facets"] = facets;
            return node;
        }

        private static JsonObject License(DatasetLicense license, DateOnly day)
        {
            var terms = license.TermsOn(day)?.Terms ?? license.TermsHistory[0].Terms;
            var inForce = license.TermsOn(day) is not null && (terms.ExpiresOn is null || terms.ExpiresOn >= day) &&
                          (license.Terminated is null || license.Terminated.EffectiveOn > day);
            return new JsonObject
            {
                ["kind"] = Names.Of(license.Granted.Kind), ["spdxId"] = license.Granted.SpdxId, ["documentReference"] = terms.DocumentReference,
                ["documentSha256"] = terms.DocumentSha256, ["territory"] = license.Granted.Territory,
                ["permittedUses"] = new JsonArray([.. terms.PermittedUses.Select(u => (JsonNode)Names.Of(u))]), ["inForce"] = inForce,
            };
        }

        private JsonObject Facet(string schemaUrl, JsonObject members)
        {
            members["_producer"] = _producer;
            members["_schemaURL"] = schemaUrl;
            return members;
        }

        private JsonObject Custom(string key, JsonObject members)
        {
            var name = CustomFacets[key];
            return Facet(options.Link($"/openlineage/facets/{name}.json#/$defs/{name}"), members);
        }
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
