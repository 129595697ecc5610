using System.Globalization;

namespace Provenance.Integrity.Bundles;

public sealed partial class ProvDocumentBuilder
{
    /// <summary>The prefix of the ledger's identifiers: <c>ledger:x</c> stands for <c>urn:provenance:x</c>.</summary>
    public const string LedgerNamespace = "urn:provenance:";

    /// <summary>The PROV namespace, the <c>prov</c> prefix.</summary>
    public const string ProvNamespace = "http://www.w3.org/ns/prov#";

    /// <summary>
    /// The PROV-JSON document of everything added so far, as canonical JSON (RFC 8785, without a
    /// final LF): the same envelopes always give the same bytes.
    /// </summary>
    /// <exception cref="Canonicalization.JsonCanonicalizationException">A string of an envelope added is not valid Unicode (never so for a canonical envelope).</exception>
    public byte[] ToCanonicalJson()
    {
        using var buffer = new MemoryStream();
        WriteCanonicalAsync(buffer).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    /// <summary>
    /// Writes the document as <see cref="ToCanonicalJson"/> gives it, to a stream, a piece at a
    /// time: the document is never held whole in memory. Relations are named <c>_:used1</c>,
    /// <c>_:used2</c>… in the order of what they relate, the numbers zero-padded to one width so
    /// that their order is also the names' order.
    /// </summary>
    /// <exception cref="Canonicalization.JsonCanonicalizationException">A string of an envelope added is not valid Unicode (never so for a canonical envelope).</exception>
    public async Task WriteCanonicalAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var document = Assemble();
        var writer = new ProvJsonWriter(destination);
        await document.WriteAsync(writer, cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private ProvDocument Assemble()
    {
        var document = new ProvDocument(this);
        foreach (var (version, facts) in _versions)
        {
            var entity = document.DatasetVersion(version);
            Set(entity, "ledger:fingerprint", facts.Fingerprint);
            if (facts.RecordCount is { } records)
            {
                entity["ledger:recordCount"] = records;
            }
        }

        foreach (var (version, derivation) in _derivations)
        {
            document.DatasetVersion(version);
            var activityId = $"ledger:derivation/{version.Dataset:D}/{Count(version.Version)}";
            var activity = ProvDocument.Node(document.Activities, activityId, "ledger:Derivation");
            Set(activity, "ledger:transformation", derivation.Transformation);
            Set(activity, "ledger:codeReference", derivation.CodeReference);
            document.Generated.Add((activityId, IdOf(version)));
            foreach (var parent in derivation.Parents)
            {
                document.DatasetVersion(parent);
                document.Used.Add((activityId, IdOf(parent)));
                document.Derived.Add((activityId, IdOf(version), IdOf(parent)));
            }

            if (_datasets.GetValueOrDefault(version.Dataset)?.Steward is { } steward)
            {
                document.Associated.Add((activityId, document.Agent("steward", steward, "prov:Person")));
            }
        }

        var irbsCovering = IrbsCovering();
        foreach (var (runId, run) in _runs)
        {
            AddRun(document, runId, run, irbsCovering);
        }

        return document;
    }

    /// <summary>For each dataset, the IRBs of the protocols whose terms (as approved or amended) cover it.</summary>
    private Dictionary<Guid, SortedSet<string>> IrbsCovering()
    {
        var irbsCovering = new Dictionary<Guid, SortedSet<string>>();
        foreach (var protocol in _protocols.Values)
        {
            if (protocol.IrbName is not { } irb)
            {
                continue;
            }

            foreach (var dataset in protocol.CoveredDatasets)
            {
                if (!irbsCovering.TryGetValue(dataset, out var irbs))
                {
                    irbs = new SortedSet<string>(StringComparer.Ordinal);
                    irbsCovering[dataset] = irbs;
                }

                irbs.Add(irb);
            }
        }

        return irbsCovering;
    }

    private void AddRun(ProvDocument document, Guid runId, RunFacts run, Dictionary<Guid, SortedSet<string>> irbsCovering)
    {
        var activityId = $"ledger:training-run/{runId:D}";
        var activity = ProvDocument.Node(document.Activities, activityId, "ledger:TrainingRun");
        Set(activity, "prov:startTime", run.StartedAt);
        Set(activity, "prov:endTime", run.FinishedAt);

        var model = _models.GetValueOrDefault(run.Model);
        var modelVersionId = $"ledger:model-version/{run.Model:D}/{Escape(run.ModelVersion)}";
        var modelVersion = ProvDocument.Node(document.Entities, modelVersionId, "ledger:ModelVersion");
        Set(modelVersion, "ledger:name", model?.Name);
        modelVersion["ledger:version"] = run.ModelVersion;
        document.Generated.Add((activityId, modelVersionId));
        foreach (var input in run.Inputs)
        {
            document.DatasetVersion(input);
            document.Used.Add((activityId, IdOf(input)));
            foreach (var irb in irbsCovering.GetValueOrDefault(input.Dataset) ?? [])
            {
                document.Associated.Add((activityId, document.Agent("irb", irb, "prov:Organization")));
            }
        }

        if (model?.Owner is { } owner)
        {
            document.Associated.Add((activityId, document.Agent("institution", owner, "prov:Organization")));
        }
    }

    private static string IdOf((Guid Dataset, long Version) version) => $"ledger:dataset-version/{version.Dataset:D}/{Count(version.Version)}";

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Names become part of identifiers percent-encoded (RFC 3986: all but the unreserved characters).</summary>
    private static string Escape(string name) => Uri.EscapeDataString(name);

    private static void Set(SortedDictionary<string, object> node, string attribute, string? value)
    {
        if (value is not null)
        {
            node[attribute] = value;
        }
    }

    /// <summary>An attribute value of type prov:QUALIFIED_NAME.</summary>
    private sealed record QualifiedName(string Name);
}
