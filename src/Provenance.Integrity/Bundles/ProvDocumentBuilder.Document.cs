using System.Buffers.Binary;
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
    /// time. Nothing but the facts is held whole: each section is written from them in canonical
    /// order, its nodes and relations sorted as compact keys (a dataset version is a 128-bit id and
    /// a number, never a string) and their identifiers spelled out only as they are written (#7: a
    /// whole-ledger export describes hundreds of thousands of dataset versions). Relations are
    /// named <c>_:used1</c>, <c>_:used2</c>… in the order of what they relate, the numbers
    /// zero-padded to one width so that their order is also the names' order.
    /// </summary>
    /// <exception cref="Canonicalization.JsonCanonicalizationException">A string of an envelope added is not valid Unicode (never so for a canonical envelope).</exception>
    public async Task WriteCanonicalAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var writer = new ProvJsonWriter(destination);
        var versions = DatasetVersions();
        var derivations = _derivations.Keys.Select(VersionKey.Of).ToArray();
        Array.Sort(derivations);
        var runs = _runs.Keys.OrderBy(GuidOrder).ToArray();
        var irbsCovering = IrbsCovering();

        writer.StartObject();
        await WriteActivitiesAsync(writer, derivations, runs, cancellationToken).ConfigureAwait(false);
        await WriteAgentsAsync(writer, versions, irbsCovering, cancellationToken).ConfigureAwait(false);
        await WriteEntitiesAsync(writer, versions, cancellationToken).ConfigureAwait(false);
        writer.Name("prefix");
        writer.StartObject();
        writer.Name("ledger");
        writer.String(LedgerNamespace);
        writer.Name("prov");
        writer.String(ProvNamespace);
        writer.EndObject();

        // #22: each relation section's list is made as it is written and let go before the next:
        // a whole-ledger export relates about a million versions, and the five lists together
        // did not fit beside the ledger's own state in a 384 MB heap. Sized up front, so the larger
        // lists leave no trail of discarded arrays behind them.
        await RelationsAsync(writer, "used", "used", Used(derivations, runs), Comparer<(Activity, Entity)>.Default,
            (w, r) => Members(w, ("prov:activity", r.Item1.Id), ("prov:entity", r.Item2.Id)), cancellationToken).ConfigureAwait(false);
        await RelationsAsync(writer, "wasAssociatedWith", "assoc", Associations(derivations, runs, irbsCovering), AssociationOrder,
            (w, r) => Members(w, ("prov:activity", r.Item1.Id), ("prov:agent", r.Item2)), cancellationToken).ConfigureAwait(false);
        await RelationsAsync(writer, "wasAttributedTo", "attr", Attributions(versions), AttributionOrder,
            (w, r) => Members(w, ("prov:agent", r.Item1), ("prov:entity", r.Item2.Id)), cancellationToken).ConfigureAwait(false);
        await RelationsAsync(writer, "wasDerivedFrom", "der", Derived(derivations), Comparer<(Activity, VersionKey, VersionKey)>.Default,
            (w, r) => Members(w, ("prov:activity", r.Item1.Id), ("prov:generatedEntity", r.Item2.Id), ("prov:usedEntity", r.Item3.Id)), cancellationToken)
            .ConfigureAwait(false);
        await RelationsAsync(writer, "wasGeneratedBy", "gen", Generated(derivations, runs), Comparer<(Activity, Entity)>.Default,
            (w, r) => Members(w, ("prov:activity", r.Item1.Id), ("prov:entity", r.Item2.Id)), cancellationToken).ConfigureAwait(false);
        writer.EndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // What each derivation used (its parents) and each run (its inputs).
    private List<(Activity, Entity)> Used(VersionKey[] derivations, Guid[] runs)
    {
        var used = new List<(Activity, Entity)>(_derivations.Values.Sum(d => d.Parents.Length) + _runs.Values.Sum(r => r.Inputs.Length));
        foreach (var version in derivations)
        {
            var activity = Activity.Derivation(version);
            foreach (var parent in _derivations[version.Tuple].Parents)
            {
                used.Add((activity, Entity.Of(VersionKey.Of(parent))));
            }
        }

        foreach (var runId in runs)
        {
            var activity = Activity.Run(runId);
            foreach (var input in _runs[runId].Inputs)
            {
                used.Add((activity, Entity.Of(VersionKey.Of(input))));
            }
        }

        return used;
    }

    // A derivation with its dataset's steward; a run with the IRBs covering its inputs' datasets and its model's owner.
    private List<(Activity, string)> Associations(VersionKey[] derivations, Guid[] runs, Dictionary<Guid, SortedSet<string>> irbsCovering)
    {
        var associated = new List<(Activity, string)>(derivations.Length + runs.Length);
        foreach (var version in derivations)
        {
            if (_datasets.GetValueOrDefault(version.DatasetId)?.Steward is { } steward)
            {
                associated.Add((Activity.Derivation(version), AgentId("steward", steward)));
            }
        }

        // A run's inputs share datasets and their datasets share IRBs: each IRB is added once a run,
        // not once an input (at 1M events, the repeats alone outgrew the heap).
        var irbs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var runId in runs)
        {
            var run = _runs[runId];
            var activity = Activity.Run(runId);
            irbs.Clear();
            foreach (var input in run.Inputs)
            {
                irbs.UnionWith(irbsCovering.GetValueOrDefault(input.Dataset) ?? []);
            }

            associated.AddRange(irbs.Select(irb => (activity, AgentId("irb", irb))));
            if (_models.GetValueOrDefault(run.Model)?.Owner is { } owner)
            {
                associated.Add((activity, AgentId("institution", owner)));
            }
        }

        return associated;
    }

    private List<(Activity, VersionKey, VersionKey)> Derived(VersionKey[] derivations)
    {
        var derived = new List<(Activity, VersionKey, VersionKey)>(_derivations.Values.Sum(d => d.Parents.Length));
        foreach (var version in derivations)
        {
            var activity = Activity.Derivation(version);
            foreach (var parent in _derivations[version.Tuple].Parents)
            {
                derived.Add((activity, version, VersionKey.Of(parent)));
            }
        }

        return derived;
    }

    private List<(Activity, Entity)> Generated(VersionKey[] derivations, Guid[] runs)
    {
        var generated = new List<(Activity, Entity)>(derivations.Length + runs.Length);
        generated.AddRange(derivations.Select(version => (Activity.Derivation(version), Entity.Of(version))));
        generated.AddRange(runs.Select(runId => (Activity.Run(runId), Entity.Of(ModelVersionId(_runs[runId])))));
        return generated;
    }

    private static Comparer<(Activity, string)> AssociationOrder { get; } = Comparer<(Activity, string)>.Create(static (x, y) =>
        x.Item1.CompareTo(y.Item1) is var order and not 0 ? order : string.CompareOrdinal(x.Item2, y.Item2));

    private static Comparer<(string, VersionKey)> AttributionOrder { get; } = Comparer<(string, VersionKey)>.Create(static (x, y) =>
        string.CompareOrdinal(x.Item1, y.Item1) is var order and not 0 ? order : x.Item2.CompareTo(y.Item2));

    /// <summary>Every dataset version the document describes (contributed, derived, a parent, a training input), in identifier order.</summary>
    private VersionKey[] DatasetVersions()
    {
        var all = new HashSet<(Guid, long)>(_versions.Count + (2 * _derivations.Count));
        all.UnionWith(_versions.Keys);
        foreach (var (version, derivation) in _derivations)
        {
            all.Add(version);
            all.UnionWith(derivation.Parents);
        }

        foreach (var run in _runs.Values)
        {
            all.UnionWith(run.Inputs);
        }

        var keys = all.Select(VersionKey.Of).ToArray();
        Array.Sort(keys);
        return keys;
    }

    /// <summary>Each described dataset version is attributed to its dataset's institution and steward, when the bundle registered the dataset.</summary>
    private List<(string, VersionKey)> Attributions(VersionKey[] versions)
    {
        var attributions = new List<(string, VersionKey)>(2 * versions.Length);
        foreach (var version in versions)
        {
            if (_datasets.GetValueOrDefault(version.DatasetId) is { } dataset)
            {
                if (dataset.Institution is { } institution)
                {
                    attributions.Add((AgentId("institution", institution), version));
                }

                if (dataset.Steward is { } steward)
                {
                    attributions.Add((AgentId("steward", steward), version));
                }
            }
        }

        return attributions;
    }

    private async Task WriteActivitiesAsync(ProvJsonWriter writer, VersionKey[] derivations, Guid[] runs, CancellationToken cancellationToken)
    {
        if (derivations.Length == 0 && runs.Length == 0)
        {
            return;
        }

        writer.Name("activity");
        writer.StartObject();
        foreach (var version in derivations)
        {
            var facts = _derivations[version.Tuple];
            writer.Name(Activity.Derivation(version).Id);
            writer.StartObject();
            Attribute(writer, "ledger:codeReference", facts.CodeReference);
            Attribute(writer, "ledger:transformation", facts.Transformation);
            ProvType(writer, "ledger:Derivation");
            writer.EndObject();
            await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var runId in runs)
        {
            var run = _runs[runId];
            writer.Name(Activity.Run(runId).Id);
            writer.StartObject();
            Attribute(writer, "prov:endTime", run.FinishedAt);
            Attribute(writer, "prov:startTime", run.StartedAt);
            ProvType(writer, "ledger:TrainingRun");
            writer.EndObject();
            await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        writer.EndObject();
    }

    private async Task WriteAgentsAsync(ProvJsonWriter writer, VersionKey[] versions, Dictionary<Guid, SortedSet<string>> irbsCovering, CancellationToken cancellationToken)
    {
        // Few: the institutions and stewards of the described versions' datasets, the IRBs and the model owners.
        var agents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var dataset in versions.Select(v => v.DatasetId).Distinct())
        {
            if (_datasets.GetValueOrDefault(dataset) is { } facts)
            {
                if (facts.Institution is { } institution)
                {
                    agents.TryAdd(AgentId("institution", institution), "prov:Organization");
                }

                if (facts.Steward is { } steward)
                {
                    agents.TryAdd(AgentId("steward", steward), "prov:Person");
                }
            }
        }

        foreach (var (version, _) in _derivations)
        {
            if (_datasets.GetValueOrDefault(version.Dataset)?.Steward is { } steward)
            {
                agents.TryAdd(AgentId("steward", steward), "prov:Person");
            }
        }

        foreach (var run in _runs.Values)
        {
            foreach (var input in run.Inputs)
            {
                foreach (var irb in irbsCovering.GetValueOrDefault(input.Dataset) ?? [])
                {
                    agents.TryAdd(AgentId("irb", irb), "prov:Organization");
                }
            }

            if (_models.GetValueOrDefault(run.Model)?.Owner is { } owner)
            {
                agents.TryAdd(AgentId("institution", owner), "prov:Organization");
            }
        }

        if (agents.Count == 0)
        {
            return;
        }

        writer.Name("agent");
        writer.StartObject();
        foreach (var (id, type) in agents)
        {
            writer.Name(id);
            writer.StartObject();
            ProvType(writer, type);
            writer.EndObject();
            await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        writer.EndObject();
    }

    private async Task WriteEntitiesAsync(ProvJsonWriter writer, VersionKey[] versions, CancellationToken cancellationToken)
    {
        // Model versions ("ledger:model-version/…") sort after every dataset version ("ledger:dataset-version/…").
        var modelVersions = new SortedDictionary<string, (string? Name, string Version)>(StringComparer.Ordinal);
        foreach (var run in _runs.Values)
        {
            modelVersions[ModelVersionId(run)] = (_models.GetValueOrDefault(run.Model)?.Name, run.ModelVersion);
        }

        if (versions.Length == 0 && modelVersions.Count == 0)
        {
            return;
        }

        writer.Name("entity");
        writer.StartObject();
        foreach (var version in versions)
        {
            var facts = _versions.GetValueOrDefault(version.Tuple);
            writer.Name(version.Id);
            writer.StartObject();
            Attribute(writer, "ledger:fingerprint", facts.Fingerprint is { } fingerprint ? System.Text.Encoding.UTF8.GetString(fingerprint) : null);
            Attribute(writer, "ledger:name", _datasets.GetValueOrDefault(version.DatasetId)?.Name);
            if (facts.RecordCount is { } records)
            {
                writer.Name("ledger:recordCount");
                writer.Number(records);
            }

            ProvType(writer, "ledger:DatasetVersion");
            writer.EndObject();
            await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (id, (name, version)) in modelVersions)
        {
            writer.Name(id);
            writer.StartObject();
            Attribute(writer, "ledger:name", name);
            Attribute(writer, "ledger:version", version);
            ProvType(writer, "ledger:ModelVersion");
            writer.EndObject();
        }

        writer.EndObject();
    }

    private static async Task RelationsAsync<T>(
        ProvJsonWriter writer, string section, string prefix, List<T> relations, IComparer<T> order, Action<ProvJsonWriter, T> members, CancellationToken cancellationToken)
    {
        if (relations.Count == 0)
        {
            return;
        }

        // In order, each relation once (duplicates removed in place).
        relations.Sort(order);
        var kept = 1;
        for (var i = 1; i < relations.Count; i++)
        {
            if (order.Compare(relations[kept - 1], relations[i]) != 0)
            {
                relations[kept++] = relations[i];
            }
        }

        relations.RemoveRange(kept, relations.Count - kept);
        writer.Name(section);
        writer.StartObject();
        var width = "D" + relations.Count.ToString(CultureInfo.InvariantCulture).Length.ToString(CultureInfo.InvariantCulture);
        var number = 0;
        foreach (var relation in relations)
        {
            writer.Name($"_:{prefix}{(++number).ToString(width, CultureInfo.InvariantCulture)}");
            writer.StartObject();
            members(writer, relation);
            writer.EndObject();
            await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        writer.EndObject();
    }

    private static void Members(ProvJsonWriter writer, params (string Name, string Value)[] members)
    {
        foreach (var (name, value) in members)
        {
            writer.Name(name);
            writer.String(value);
        }
    }

    private static void Attribute(ProvJsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.Name(name);
            writer.String(value);
        }
    }

    /// <summary><c>prov:type</c>, a value of type prov:QUALIFIED_NAME.</summary>
    private static void ProvType(ProvJsonWriter writer, string type)
    {
        writer.Name("prov:type");
        writer.StartObject();
        writer.Name("$");
        writer.String(type);
        writer.Name("type");
        writer.String("prov:QUALIFIED_NAME");
        writer.EndObject();
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

    // One string per agent, however many relations name it.
    private string AgentId(string kind, string name)
    {
        var id = $"ledger:{kind}/{Escape(name)}";
        return Shared(id)!;
    }

    private static string ModelVersionId(RunFacts run) => $"ledger:model-version/{run.Model:D}/{Escape(run.ModelVersion)}";

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Names become part of identifiers percent-encoded (RFC 3986: all but the unreserved characters).</summary>
    private static string Escape(string name) => Uri.EscapeDataString(name);

    /// <summary>A GUID in the order of its lowercase hyphenated form (the form identifiers spell it in): its bytes, big-endian.</summary>
    private static UInt128 GuidOrder(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>A dataset version, ordered as its identifier <c>ledger:dataset-version/&lt;dataset&gt;/&lt;version&gt;</c> sorts.</summary>
    private readonly record struct VersionKey(UInt128 Dataset, long Version) : IComparable<VersionKey>
    {
        public Guid DatasetId
        {
            get
            {
                Span<byte> bytes = stackalloc byte[16];
                BinaryPrimitives.WriteUInt128BigEndian(bytes, Dataset);
                return new Guid(bytes, bigEndian: true);
            }
        }

        public (Guid, long) Tuple => (DatasetId, Version);

        public string Id => $"ledger:dataset-version/{DatasetId:D}/{Count(Version)}";

        public static VersionKey Of((Guid Dataset, long Version) version) => new(GuidOrder(version.Dataset), version.Version);

        // The version is compared as the decimal digits the identifier spells ("10" before "9").
        public int CompareTo(VersionKey other)
        {
            if (Dataset != other.Dataset)
            {
                return Dataset.CompareTo(other.Dataset);
            }

            Span<char> mine = stackalloc char[20];
            Span<char> theirs = stackalloc char[20];
            Version.TryFormat(mine, out var a, default, CultureInfo.InvariantCulture);
            other.Version.TryFormat(theirs, out var b, default, CultureInfo.InvariantCulture);
            return mine[..a].SequenceCompareTo(theirs[..b]);
        }
    }

    /// <summary>An activity: a derivation (named by the version it made) or a training run; derivations sort first.</summary>
    private readonly record struct Activity(bool IsRun, VersionKey Version, UInt128 RunOrder) : IComparable<Activity>
    {
        public string Id
        {
            get
            {
                if (!IsRun)
                {
                    return $"ledger:derivation/{Version.DatasetId:D}/{Count(Version.Version)}";
                }

                Span<byte> bytes = stackalloc byte[16];
                BinaryPrimitives.WriteUInt128BigEndian(bytes, RunOrder);
                return $"ledger:training-run/{new Guid(bytes, bigEndian: true):D}";
            }
        }

        public static Activity Derivation(VersionKey version) => new(false, version, default);

        public static Activity Run(Guid runId) => new(true, default, GuidOrder(runId));

        public int CompareTo(Activity other) =>
            IsRun != other.IsRun ? (IsRun ? 1 : -1) : IsRun ? RunOrder.CompareTo(other.RunOrder) : Version.CompareTo(other.Version);
    }

    /// <summary>An entity a relation names: a dataset version, or a model version (which sort after every dataset version).</summary>
    private readonly record struct Entity(VersionKey Version, string? ModelVersion) : IComparable<Entity>
    {
        public string Id => ModelVersion ?? Version.Id;

        public static Entity Of(VersionKey version) => new(version, null);

        public static Entity Of(string modelVersionId) => new(default, modelVersionId);

        public int CompareTo(Entity other) => (ModelVersion, other.ModelVersion) switch
        {
            (null, null) => Version.CompareTo(other.Version),
            (null, _) => -1,
            (_, null) => 1,
            _ => string.CompareOrdinal(ModelVersion, other.ModelVersion),
        };
    }
}
