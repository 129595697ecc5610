using System.Text.Json;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// Builds a bundle's <c>prov.json</c>, the W3C PROV-JSON document of the lineage, from its
/// canonical envelopes alone (the mapping is the table in docs/audit-bundle-format.md). Feed it
/// every envelope in log order, then call <see cref="ToCanonicalJson"/>. It keeps only the facts
/// the document needs, per dataset, dataset version, derivation, model, training run and IRB
/// protocol, never the events themselves.
/// </summary>
/// <remarks>
/// Event data is read by member name (camelCase, enums as kebab-case strings, as the ledger
/// records it); a member that is missing or of another type is left out rather than refused, as
/// the document is a derived view and the events are the evidence. Other event types are ignored.
/// </remarks>
public sealed partial class ProvDocumentBuilder
{
    private static readonly HashSet<string> DescribedTypes =
    [
        LedgerEventTypes.DatasetRegistered, LedgerEventTypes.DatasetVersionContributed, LedgerEventTypes.DatasetVersionDerived,
        LedgerEventTypes.ModelRegistered, LedgerEventTypes.TrainingRunRecorded, LedgerEventTypes.IrbProtocolApproved, LedgerEventTypes.IrbProtocolAmended,
    ];

    private readonly Dictionary<Guid, DatasetFacts> _datasets = [];
    private readonly Dictionary<(Guid Dataset, long Version), VersionFacts> _versions = [];
    private readonly Dictionary<(Guid Dataset, long Version), DerivationFacts> _derivations = [];
    private readonly Dictionary<Guid, ModelFacts> _models = [];
    private readonly Dictionary<Guid, RunFacts> _runs = [];
    private readonly Dictionary<Guid, ProtocolFacts> _protocols = [];

    // Stewards, institutions and transformations repeat across thousands of datasets: each is kept once.
    private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);

    /// <summary>How many envelopes were added.</summary>
    public long EventCount { get; private set; }

    /// <summary>Adds one canonical envelope (a line of <c>events.ndjson</c>, without its LF).</summary>
    /// <exception cref="ArgumentException">The bytes are not a JSON object with a string <c>type</c> and an object <c>data</c>.</exception>
    public void Add(ReadOnlyMemory<byte> canonicalEnvelope)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(canonicalEnvelope);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The envelope is not JSON: {e.Message}", nameof(canonicalEnvelope), e);
        }

        using (document)
        {
            Add(document.RootElement);
        }
    }

    /// <summary>Whether events of this type add to the document (others can be left out of <see cref="Add(ReadOnlyMemory{byte})"/>).</summary>
    public static bool Describes(string eventType) => DescribedTypes.Contains(eventType);

    /// <summary>Adds one parsed envelope.</summary>
    internal void Add(JsonElement envelope)
    {
        if (envelope.ValueKind != JsonValueKind.Object
            || !envelope.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || !envelope.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("An envelope is a JSON object with a string type and an object data.", nameof(envelope));
        }

        EventCount++;
        switch (type.GetString())
        {
            case LedgerEventTypes.DatasetRegistered:
                if (Id(data, "datasetId") is { } registered)
                {
                    _datasets[registered] = new DatasetFacts(Text(data, "name"), Shared(Text(data, "steward")), Shared(Text(data, "sourceInstitution")));
                }

                break;
            case LedgerEventTypes.DatasetVersionContributed:
                if (VersionOf(data) is { } contributed)
                {
                    _versions[contributed] = new VersionFacts(Utf8(Text(data, "fingerprint")), Number(data, "recordCount"));
                }

                break;
            case LedgerEventTypes.DatasetVersionDerived:
                if (VersionOf(data) is { } derived)
                {
                    _derivations[derived] = new DerivationFacts(Shared(Text(data, "transformation")), Shared(Text(data, "codeReference")), Versions(data, "parents"));
                }

                break;
            case LedgerEventTypes.ModelRegistered:
                if (Id(data, "modelId") is { } model)
                {
                    _models[model] = new ModelFacts(Text(data, "name"), Text(data, "owner"));
                }

                break;
            case LedgerEventTypes.TrainingRunRecorded:
                if (Id(data, "runId") is { } run && Id(data, "modelId") is { } runModel && Text(data, "modelVersion") is { } modelVersion)
                {
                    _runs[run] = new RunFacts(runModel, modelVersion, Text(data, "startedAt"), Text(data, "finishedAt"), Versions(data, "inputs"));
                }

                break;
            case LedgerEventTypes.IrbProtocolApproved:
            case LedgerEventTypes.IrbProtocolAmended:
                AddProtocolTerms(data);
                break;
        }
    }

    private void AddProtocolTerms(JsonElement data)
    {
        if (Id(data, "protocolId") is not { } protocolId)
        {
            return;
        }

        if (!_protocols.TryGetValue(protocolId, out var protocol))
        {
            protocol = new ProtocolFacts();
            _protocols[protocolId] = protocol;
        }

        protocol.IrbName ??= Text(data, "irbName");

        // An amendment changes the terms from a date on: runs are associated with the IRB of every
        // protocol whose terms, as approved or amended, covered one of their datasets.
        if (data.TryGetProperty("terms", out var terms) && terms.ValueKind == JsonValueKind.Object
            && terms.TryGetProperty("coveredDatasetIds", out var covered) && covered.ValueKind == JsonValueKind.Array)
        {
            foreach (var dataset in covered.EnumerateArray())
            {
                if (dataset.ValueKind == JsonValueKind.String && Guid.TryParse(dataset.GetString(), out var id))
                {
                    protocol.CoveredDatasets.Add(id);
                }
            }
        }
    }

    private string? Shared(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!_shared.TryGetValue(text, out var shared))
        {
            shared = text;
            _shared[text] = text;
        }

        return shared;
    }

    private static (Guid, long)? VersionOf(JsonElement data) =>
        Id(data, "datasetId") is { } dataset && Number(data, "version") is { } version ? (dataset, version) : null;

    private static (Guid Dataset, long Version)[] Versions(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var versions = new List<(Guid, long)>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && VersionOf(item) is { } version)
            {
                versions.Add(version);
            }
        }

        return [.. versions];
    }

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static Guid? Id(JsonElement data, string name) =>
        Text(data, name) is { } text && Guid.TryParse(text, out var id) ? id : null;

    private sealed record DatasetFacts(string? Name, string? Steward, string? Institution);

    // Kept inline in the map, the fingerprint as UTF-8: a whole-ledger export holds one per contributed version.
    private readonly record struct VersionFacts(byte[]? Fingerprint, long? RecordCount);

    private static byte[]? Utf8(string? text) => text is null ? null : System.Text.Encoding.UTF8.GetBytes(text);

    private sealed record DerivationFacts(string? Transformation, string? CodeReference, (Guid Dataset, long Version)[] Parents);

    private sealed record ModelFacts(string? Name, string? Owner);

    private sealed record RunFacts(Guid Model, string ModelVersion, string? StartedAt, string? FinishedAt, (Guid Dataset, long Version)[] Inputs);

    private sealed class ProtocolFacts
    {
        public string? IrbName { get; set; }

        public HashSet<Guid> CoveredDatasets { get; } = [];
    }
}
