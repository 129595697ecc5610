using System.Text;
using System.Text.Json;

namespace Provenance.Integrity.Bundles;

public sealed partial class AuditBundleVerifier
{
    /// <summary>
    /// Check 5, the scope's closure: the manifest is not signed, so its stream claims could leave a
    /// stream out altogether. The events themselves say what a stream scope must hold: its own
    /// stream (the model, dataset or protocol asked for); for a model version, every dataset its
    /// training runs used and every parent a claimed dataset version was derived from; for an IRB
    /// protocol, every dataset it covered. A second read of <c>events.ndjson</c>, parsing only the
    /// events that name other streams.
    /// </summary>
    private static async Task CheckScopeClosureAsync(AuditBundleSource bundle, BundleManifest manifest, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        var scope = manifest.Scope;
        if (!scope.IsStreamScope || !bundle.FileNames.Contains(AuditBundleFiles.Events, StringComparer.Ordinal))
        {
            return;
        }

        var claimed = manifest.Streams.Select(s => s.Stream).ToHashSet();
        var root = scope.ModelId ?? scope.DatasetId ?? scope.ProtocolId;
        if (root is { } id && !claimed.Contains(id))
        {
            result.Fail(AuditBundleFiles.Manifest, 1, $"the scope's own stream {id} is not among the streams claimed complete");
        }

        var events = await ReadScopeEventsAsync(bundle, scope, cancellationToken).ConfigureAwait(false);
        var required = new Dictionary<Guid, (long Line, string Why)>(events.Covered);
        events.Lineage.Walk(required);
        foreach (var (missing, (line, why)) in required.Where(r => !claimed.Contains(r.Key)).OrderBy(r => r.Value.Line))
        {
            result.Fail(AuditBundleFiles.Events, line, $"{why} {missing}, whose stream the manifest does not claim: the bundle leaves out part of its scope");
        }
    }

    /// <summary>
    /// What the events of a stream scope say it must hold: a second read of <c>events.ndjson</c>,
    /// parsing only the events that name other streams.
    /// </summary>
    private static async Task<ScopeEvents> ReadScopeEventsAsync(AuditBundleSource bundle, BundleScope scope, CancellationToken cancellationToken)
    {
        var events = new ScopeEvents();
        var stream = bundle.OpenRead(AuditBundleFiles.Events);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
            var line = 0L;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
            {
                line++;
                if (!text.Contains(TypeIs(LedgerEventTypes.TrainingRunRecorded), StringComparison.Ordinal) &&
                    !text.Contains(TypeIs(LedgerEventTypes.DatasetVersionContributed), StringComparison.Ordinal) &&
                    !text.Contains(TypeIs(LedgerEventTypes.DatasetVersionDerived), StringComparison.Ordinal) &&
                    !text.Contains(TypeIs(LedgerEventTypes.IrbProtocolApproved), StringComparison.Ordinal) &&
                    !text.Contains(TypeIs(LedgerEventTypes.IrbProtocolAmended), StringComparison.Ordinal))
                {
                    continue;
                }

                try
                {
                    Require(JsonDocument.Parse(text).RootElement, scope, events, line);
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    // A malformed line was already reported by the event pass.
                }
            }
        }

        return events;
    }

    private static void Require(JsonElement envelope, BundleScope scope, ScopeEvents events, long line)
    {
        var (required, lineage) = (events.Covered, events.Lineage);
        var type = envelope.GetProperty("type").GetString();
        var data = envelope.GetProperty("data");
        var stream = envelope.GetProperty("stream").GetGuid();
        switch (type)
        {
            case LedgerEventTypes.DatasetVersionContributed:
                events.Contributed.Add((stream, data.GetProperty("version").GetInt64()));
                break;
            case LedgerEventTypes.TrainingRunRecorded when scope.Kind == BundleScope.ModelVersionKind && stream == scope.ModelId &&
                                                    data.GetProperty("modelVersion").GetString() == scope.ModelVersion:
                events.Runs++;
                foreach (var input in data.GetProperty("inputs").EnumerateArray())
                {
                    lineage.Inputs.Add((Ref(input), line));
                }

                break;
            case LedgerEventTypes.DatasetVersionDerived when scope.Kind == BundleScope.ModelVersionKind:
                lineage.Parents[(stream, data.GetProperty("version").GetInt64())] =
                    (data.GetProperty("parents").EnumerateArray().Select(Ref).ToList(), line);
                break;
            case LedgerEventTypes.IrbProtocolApproved or LedgerEventTypes.IrbProtocolAmended when scope.Kind == BundleScope.IrbProtocolKind && stream == scope.ProtocolId:
                foreach (var dataset in data.GetProperty("terms").GetProperty("coveredDatasetIds").EnumerateArray())
                {
                    required.TryAdd(dataset.GetGuid(), (line, "the protocol covered dataset"));
                }

                break;
        }
    }

    // A canonical envelope line names its type exactly so: "type":"<wire name>".
    private static string TypeIs(string eventType) => "\"type\":\"" + eventType + "\"";

    private static (Guid Dataset, long Version) Ref(JsonElement version) =>
        (version.GetProperty("datasetId").GetGuid(), version.GetProperty("version").GetInt64());

    /// <summary>What a stream scope's events say it holds: the lineage of a model version, the datasets a protocol covered.</summary>
    private sealed class ScopeEvents
    {
        public Lineage Lineage { get; } = new();

        /// <summary>For an IRB protocol scope: every dataset its approval or amendments covered.</summary>
        public Dictionary<Guid, (long Line, string Why)> Covered { get; } = [];

        /// <summary>Every dataset version whose contribution the bundle holds.</summary>
        public HashSet<(Guid Dataset, long Version)> Contributed { get; } = [];

        /// <summary>For a model-version scope: how many of the model's training runs made that version.</summary>
        public int Runs { get; set; }
    }

    /// <summary>The model version's lineage as the events tell it: the runs' inputs, then each version's parents, transitively.</summary>
    private sealed class Lineage
    {
        public List<((Guid Dataset, long Version) Version, long Line)> Inputs { get; } = [];

        public Dictionary<(Guid Dataset, long Version), (List<(Guid Dataset, long Version)> Parents, long Line)> Parents { get; } = [];

        public void Walk(Dictionary<Guid, (long, string)> required)
        {
            var seen = new HashSet<(Guid, long)>();
            var next = new Queue<((Guid Dataset, long Version) Version, long Line, string Why)>(
                Inputs.Select(i => (i.Version, i.Line, "a training run of the model version used dataset")));
            while (next.TryDequeue(out var item))
            {
                if (!seen.Add(item.Version))
                {
                    continue;
                }

                required.TryAdd(item.Version.Dataset, (item.Line, item.Why));
                if (Parents.TryGetValue(item.Version, out var derivation))
                {
                    foreach (var parent in derivation.Parents)
                    {
                        next.Enqueue((parent, derivation.Line, "a dataset version of the lineage was derived from dataset"));
                    }
                }
            }
        }
    }
}
