using System.Globalization;

namespace Provenance.Integrity.Bundles;

public sealed partial class ProvDocumentBuilder
{
    /// <summary>The prefix of the ledger's identifiers: <c>ledger:x</c> stands for <c>urn:provenance:x</c>.</summary>
    public const string LedgerNamespace = "urn:provenance:";

    /// <summary>The PROV namespace, the <c>prov</c> prefix.</summary>
    public const string ProvNamespace = "http://www.w3.org/ns/prov#";

    /// <summary>
    /// The PROV-JSON document of everything added, as canonical JSON (RFC 8785, without a final
    /// LF): the same envelopes always give the same bytes. No envelope can be added after.
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
    /// time, in bounded memory. Each section is written in canonical order by merging the sorted
    /// records of the facts (a dataset version is a 128-bit id and its version's digits, never a
    /// string, until it is written), joined with their datasets' registrations as both go by in
    /// dataset order. Relations are named <c>_:used1</c>, <c>_:used2</c>… in the order of what they
    /// relate, the numbers zero-padded to one width so that their order is also the names' order:
    /// each section is counted in one pass over its records and written in a second. No envelope
    /// can be added after.
    /// </summary>
    /// <exception cref="Canonicalization.JsonCanonicalizationException">A string of an envelope added is not valid Unicode (never so for a canonical envelope).</exception>
    public async Task WriteCanonicalAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Seal();
        var writer = new ProvJsonWriter(destination);
        var runs = _runs.Keys.OrderBy(GuidOrder).ToArray();
        var irbsCovering = IrbsCovering();
        var derivations = Derivations().LongCount();
        var parents = Parents().LongCount();
        using var attributions = new SpillingSorter<Attribution>(Comparer<Attribution>.Default, _runBytes, _spillDirectory);
        var agents = Agents(irbsCovering, attributions, out var attributed);

        writer.StartObject();
        await WriteActivitiesAsync(writer, derivations, runs, cancellationToken).ConfigureAwait(false);
        await WriteAgentsAsync(writer, agents, cancellationToken).ConfigureAwait(false);
        await WriteEntitiesAsync(writer, cancellationToken).ConfigureAwait(false);
        writer.Name("prefix");
        writer.StartObject();
        writer.Name("ledger");
        writer.String(LedgerNamespace);
        writer.Name("prov");
        writer.String(ProvNamespace);
        writer.EndObject();

        // Derivations sort before training runs, so each section is its derivations' records, merged from disk, then its runs' (few, in memory).
        await RelationsAsync(writer, "used", "used", parents + RunsUsed(runs).LongCount(),
            Parents().Select(p => (Activity.Derivation(p.Derived), Entity.Of(p.Parent))).Concat(RunsUsed(runs)),
            (w, r) => Members(w, ("prov:activity", r.Item1.Id), ("prov:entity", r.Item2.Id)), cancellationToken).ConfigureAwait(false);

        await RelationsAsync(writer, "wasAssociatedWith", "assoc", DerivationAssociations().LongCount() + RunAssociations(runs, irbsCovering).LongCount(),
            DerivationAssociations().Concat(RunAssociations(runs, irbsCovering)),
            (w, r) => Members(w, ("prov:activity", r.Item1.Id), ("prov:agent", r.Item2)), cancellationToken).ConfigureAwait(false);

        await RelationsAsync(writer, "wasAttributedTo", "attr", Distinct(attributions.Sorted()).LongCount(), Distinct(attributions.Sorted()),
            (w, r) => Members(w, ("prov:agent", attributed[r.Agent]), ("prov:entity", r.Version.Id)), cancellationToken).ConfigureAwait(false);

        await RelationsAsync(writer, "wasDerivedFrom", "der", parents, Parents(),
            (w, r) => Members(w, ("prov:activity", Activity.Derivation(r.Derived).Id), ("prov:generatedEntity", r.Derived.Id), ("prov:usedEntity", r.Parent.Id)),
            cancellationToken).ConfigureAwait(false);
        await RelationsAsync(writer, "wasGeneratedBy", "gen", derivations + runs.Length,
            Derivations().Select(d => (Activity.Derivation(d.Key), Entity.Of(d.Key)))
                .Concat(runs.Select(runId => (Activity.Run(runId), Entity.Of(ModelVersionId(_runs[runId]))))),
            (w, r) => Members(w, ("prov:activity", r.Item1.Id), ("prov:entity", r.Item2.Id)), cancellationToken).ConfigureAwait(false);
        writer.EndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // Training runs' inputs are described versions too; they are known for certain only once every envelope is in (a run recorded again replaces its inputs).
    private void Seal()
    {
        if (_sealed)
        {
            return;
        }

        _sealed = true;
        foreach (var run in _runs.Values)
        {
            foreach (var input in run.Inputs)
            {
                _mentions.Add(Mention.Of(input));
            }
        }
    }

    /// <summary>Each derived version once, with the facts of its last derivation, in identifier order.</summary>
    private IEnumerable<DerivationRecord> Derivations()
    {
        var any = false;
        DerivationRecord last = default;
        foreach (var derivation in _derivations.Sorted())
        {
            if (any && derivation.Key != last.Key)
            {
                yield return last;
            }

            (last, any) = (derivation, true);
        }

        if (any)
        {
            yield return last;
        }
    }

    /// <summary>Each (derived version, parent) once, in identifier order.</summary>
    private IEnumerable<ParentPair> Parents() => Distinct(_parents.Sorted());

    /// <summary>
    /// Every dataset version the document describes (contributed, derived, a parent, a training
    /// input) once, in identifier order, with the facts of its last contribution when it has one.
    /// </summary>
    private IEnumerable<Mention> Described()
    {
        var any = false;
        Mention current = default;
        foreach (var mention in _mentions.Sorted())
        {
            var contributed = (mention.Flags & MentionFlags.Contributed) != 0;
            if (any && mention.Key == current.Key)
            {
                if (contributed)
                {
                    current = mention;
                }

                continue;
            }

            if (any)
            {
                yield return current;
            }

            (current, any) = (contributed ? mention : Mention.Of(mention.Key), true);
        }

        if (any)
        {
            yield return current;
        }
    }

    /// <summary>A derivation with its dataset's steward.</summary>
    private IEnumerable<(Activity, string)> DerivationAssociations()
    {
        using var datasets = new DatasetCursor(_datasets.Sorted());
        var stewards = new Dictionary<int, string>();
        foreach (var derivation in Derivations())
        {
            if (datasets.Find(derivation.Key.Dataset) is { Steward: >= 0 and var steward })
            {
                if (!stewards.TryGetValue(steward, out var agent))
                {
                    agent = AgentId("steward", _strings[steward]);
                    stewards[steward] = agent;
                }

                yield return (Activity.Derivation(derivation.Key), agent);
            }
        }
    }

    // What each run used: its inputs, each once, in order.
    private IEnumerable<(Activity, Entity)> RunsUsed(Guid[] runs)
    {
        foreach (var runId in runs)
        {
            var activity = Activity.Run(runId);
            foreach (var input in Distinct(_runs[runId].Inputs.Order()))
            {
                yield return (activity, Entity.Of(input));
            }
        }
    }

    // A run with the IRBs covering its inputs' datasets and its model's owner, each once, in order
    // (made again for each pass: a run's inputs span many datasets, and all runs' associations together are many).
    private IEnumerable<(Activity, string)> RunAssociations(Guid[] runs, Dictionary<Guid, SortedSet<string>> irbsCovering)
    {
        var agents = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var runId in runs)
        {
            var run = _runs[runId];
            agents.Clear();
            foreach (var input in run.Inputs)
            {
                agents.UnionWith(irbsCovering.GetValueOrDefault(input.DatasetId) ?? []);
            }

            if (_models.GetValueOrDefault(run.Model)?.Owner is { } owner)
            {
                agents.Add(AgentId("institution", owner));
            }

            var activity = Activity.Run(runId);
            foreach (var agent in agents)
            {
                yield return (activity, agent);
            }
        }
    }

    private async Task WriteActivitiesAsync(ProvJsonWriter writer, long derivations, Guid[] runs, CancellationToken cancellationToken)
    {
        if (derivations == 0 && runs.Length == 0)
        {
            return;
        }

        writer.Name("activity");
        writer.StartObject();
        foreach (var derivation in Derivations())
        {
            writer.Name(Activity.Derivation(derivation.Key).Id);
            writer.StartObject();
            Attribute(writer, "ledger:codeReference", _texts.Read(derivation.CodeReference));
            Attribute(writer, "ledger:transformation", StringOf(derivation.Transformation));
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

    /// <summary>
    /// The agents, few however large the ledger: the institutions and stewards of the described
    /// versions' datasets (a derivation's steward among them, as its version is described), the
    /// IRBs covering the runs' inputs, and the model owners; identifiers in order, with their types.
    /// The same pass over the described versions adds each one's attributions to its dataset's
    /// institution and steward (when the bundle registered the dataset) to <paramref name="attributions"/>,
    /// each agent as its place in <paramref name="attributed"/>: every institution and steward a
    /// dataset could name, in identifier order, so that the places sort as the identifiers do.
    /// </summary>
    private SortedDictionary<string, string> Agents(
        Dictionary<Guid, SortedSet<string>> irbsCovering, SpillingSorter<Attribution> attributions, out string[] attributed)
    {
        var institutions = _strings.Select(name => AgentId("institution", name)).ToArray();
        var stewards = _strings.Select(name => AgentId("steward", name)).ToArray();
        attributed = [.. institutions.Concat(stewards).Order(StringComparer.Ordinal)];
        var places = attributed.Index().ToDictionary(agent => agent.Item, agent => agent.Index, StringComparer.Ordinal);
        var (institutionPlaces, stewardPlaces) = (institutions.Select(id => places[id]).ToArray(), stewards.Select(id => places[id]).ToArray());

        var agents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using (var datasets = new DatasetCursor(_datasets.Sorted()))
        {
            UInt128? previous = null;
            foreach (var version in Described())
            {
                if (datasets.Find(version.Key.Dataset) is not { } dataset)
                {
                    continue;
                }

                // A dataset's versions come together: its agents are added once for them all.
                var first = version.Key.Dataset != previous;
                previous = version.Key.Dataset;
                if (dataset.Institution >= 0)
                {
                    if (first)
                    {
                        agents.TryAdd(institutions[dataset.Institution], "prov:Organization");
                    }

                    attributions.Add(new Attribution(institutionPlaces[dataset.Institution], version.Key));
                }

                if (dataset.Steward >= 0)
                {
                    if (first)
                    {
                        agents.TryAdd(stewards[dataset.Steward], "prov:Person");
                    }

                    attributions.Add(new Attribution(stewardPlaces[dataset.Steward], version.Key));
                }
            }
        }

        foreach (var run in _runs.Values)
        {
            foreach (var input in run.Inputs)
            {
                foreach (var irb in irbsCovering.GetValueOrDefault(input.DatasetId) ?? [])
                {
                    agents.TryAdd(irb, "prov:Organization");
                }
            }

            if (_models.GetValueOrDefault(run.Model)?.Owner is { } owner)
            {
                agents.TryAdd(AgentId("institution", owner), "prov:Organization");
            }
        }

        return agents;
    }

    private static async Task WriteAgentsAsync(ProvJsonWriter writer, SortedDictionary<string, string> agents, CancellationToken cancellationToken)
    {
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

    private async Task WriteEntitiesAsync(ProvJsonWriter writer, CancellationToken cancellationToken)
    {
        // Model versions ("ledger:model-version/…") sort after every dataset version ("ledger:dataset-version/…").
        var modelVersions = new SortedDictionary<string, (string? Name, string Version)>(StringComparer.Ordinal);
        foreach (var run in _runs.Values)
        {
            modelVersions[ModelVersionId(run)] = (_models.GetValueOrDefault(run.Model)?.Name, run.ModelVersion);
        }

        if (_mentions.Count == 0 && modelVersions.Count == 0)
        {
            return;
        }

        writer.Name("entity");
        writer.StartObject();
        using (var datasets = new DatasetCursor(_datasets.Sorted()))
        {
            // A dataset's versions come together: its name is read once for them all.
            (UInt128 Dataset, string? Name)? named = null;
            foreach (var version in Described())
            {
                if (named?.Dataset != version.Key.Dataset)
                {
                    named = (version.Key.Dataset, datasets.Find(version.Key.Dataset) is { } dataset ? _texts.Read(dataset.Name) : null);
                }

                writer.Name(version.Key.Id);
                writer.StartObject();
                Attribute(writer, "ledger:fingerprint", (version.Flags & MentionFlags.Contributed) != 0 ? Fingerprint(version) : null);
                Attribute(writer, "ledger:name", named.Value.Name);
                if ((version.Flags & MentionFlags.HasRecordCount) != 0)
                {
                    writer.Name("ledger:recordCount");
                    writer.Number(version.RecordCount);
                }

                ProvType(writer, "ledger:DatasetVersion");
                writer.EndObject();
                await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
            }
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

    /// <summary>Writes a relation section: <paramref name="relations"/> are in order, each once, and there are <paramref name="count"/> of them.</summary>
    private static async Task RelationsAsync<T>(
        ProvJsonWriter writer, string section, string prefix, long count, IEnumerable<T> relations, Action<ProvJsonWriter, T> members, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }

        writer.Name(section);
        writer.StartObject();
        var width = "D" + count.ToString(CultureInfo.InvariantCulture).Length.ToString(CultureInfo.InvariantCulture);
        var number = 0L;
        foreach (var relation in relations)
        {
            writer.Name($"_:{prefix}{(++number).ToString(width, CultureInfo.InvariantCulture)}");
            writer.StartObject();
            members(writer, relation);
            writer.EndObject();
            await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        if (number != count)
        {
            throw new InvalidOperationException($"The {section} section was counted as {count} relations but has {number}.");
        }

        writer.EndObject();
    }

    /// <summary>A sorted sequence without its repeats.</summary>
    private static IEnumerable<T> Distinct<T>(IEnumerable<T> sorted)
        where T : IEquatable<T>
    {
        var any = false;
        T previous = default!;
        foreach (var item in sorted)
        {
            if (!any || !item.Equals(previous))
            {
                yield return item;
            }

            (previous, any) = (item, true);
        }
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

    /// <summary>
    /// For each dataset a training run used, the IRBs (as agent identifiers, one string each) of the
    /// protocols whose terms (as approved or amended) cover it: the only datasets whose coverage the
    /// document names.
    /// </summary>
    private Dictionary<Guid, SortedSet<string>> IrbsCovering()
    {
        var used = _runs.Values.SelectMany(run => run.Inputs).Select(input => input.Dataset).ToHashSet();
        var agents = new Dictionary<string, string>(StringComparer.Ordinal);
        var irbsCovering = new Dictionary<Guid, SortedSet<string>>();
        foreach (var coverage in _coverage.Sorted())
        {
            if (!used.Contains(coverage.Dataset) || _irbs[coverage.Protocol] is not { } irb)
            {
                continue;
            }

            var dataset = GuidOf(coverage.Dataset);
            if (!irbsCovering.TryGetValue(dataset, out var irbs))
            {
                irbs = new SortedSet<string>(StringComparer.Ordinal);
                irbsCovering[dataset] = irbs;
            }

            if (!agents.TryGetValue(irb, out var agent))
            {
                agent = AgentId("irb", irb);
                agents[irb] = agent;
            }

            irbs.Add(agent);
        }

        return irbsCovering;
    }

    private static string AgentId(string kind, string name) => $"ledger:{kind}/{Escape(name)}";

    private static string ModelVersionId(RunFacts run) => $"ledger:model-version/{run.Model:D}/{Escape(run.ModelVersion)}";

    /// <summary>Names become part of identifiers percent-encoded (RFC 3986: all but the unreserved characters).</summary>
    private static string Escape(string name) => Uri.EscapeDataString(name);

    /// <summary>
    /// Datasets' registrations read alongside records in dataset order: <see cref="Find"/> must be
    /// asked for datasets in that order, and gives a dataset's last registration, or null.
    /// </summary>
    private sealed class DatasetCursor(IEnumerable<DatasetRecord> sorted) : IDisposable
    {
        private readonly IEnumerator<DatasetRecord> _records = sorted.GetEnumerator();
        private bool _started;
        private bool _hasNext;
        private (UInt128 Dataset, DatasetRecord? Registration)? _answered;

        public DatasetRecord? Find(UInt128 dataset)
        {
            if (_answered is { } answered && answered.Dataset == dataset)
            {
                return answered.Registration;
            }

            if (!_started)
            {
                _started = true;
                _hasNext = _records.MoveNext();
            }

            while (_hasNext && _records.Current.Dataset < dataset)
            {
                _hasNext = _records.MoveNext();
            }

            DatasetRecord? registration = null;
            while (_hasNext && _records.Current.Dataset == dataset)
            {
                registration = _records.Current;
                _hasNext = _records.MoveNext();
            }

            _answered = (dataset, registration);
            return registration;
        }

        public void Dispose() => _records.Dispose();
    }

    private readonly record struct Attribution(int Agent, VersionKey Version) : IComparable<Attribution>
    {
        public int CompareTo(Attribution other) => Agent != other.Agent ? Agent.CompareTo(other.Agent) : Version.CompareTo(other.Version);
    }

    /// <summary>An activity: a derivation (named by the version it made) or a training run; derivations sort first.</summary>
    private readonly record struct Activity(bool IsRun, VersionKey Version, UInt128 RunOrder) : IComparable<Activity>
    {
        public string Id => IsRun
            ? $"ledger:training-run/{GuidOf(RunOrder):D}"
            : $"ledger:derivation/{Version.DatasetId:D}/{Version.VersionText}";

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
