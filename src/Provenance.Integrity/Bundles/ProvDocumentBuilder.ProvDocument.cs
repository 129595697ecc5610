using System.Globalization;

namespace Provenance.Integrity.Bundles;

public sealed partial class ProvDocumentBuilder
{
    /// <summary>
    /// The document's nodes by identifier and its relations as tuples, every collection in ordinal
    /// order (never culture-aware): the order canonical JSON writes them in.
    /// </summary>
    private sealed class ProvDocument(ProvDocumentBuilder facts)
    {
        public SortedDictionary<string, SortedDictionary<string, object>> Entities { get; } = new(StringComparer.Ordinal);

        public SortedDictionary<string, SortedDictionary<string, object>> Activities { get; } = new(StringComparer.Ordinal);

        public SortedDictionary<string, SortedDictionary<string, object>> Agents { get; } = new(StringComparer.Ordinal);

        // Each tuple in the order of its members' names: prov:activity < prov:agent < prov:entity < prov:generatedEntity < prov:usedEntity.
        public SortedSet<(string Activity, string Entity)> Used { get; } = new(Pairs);

        public SortedSet<(string Activity, string Entity)> Generated { get; } = new(Pairs);

        public SortedSet<(string Activity, string Generated, string Used)> Derived { get; } = new(Triples);

        public SortedSet<(string Agent, string Entity)> Attributed { get; } = new(Pairs);

        public SortedSet<(string Activity, string Agent)> Associated { get; } = new(Pairs);

        private static Comparer<(string, string)> Pairs { get; } = Comparer<(string, string)>.Create(static (x, y) =>
            string.CompareOrdinal(x.Item1, y.Item1) is var order and not 0 ? order : string.CompareOrdinal(x.Item2, y.Item2));

        private static Comparer<(string, string, string)> Triples { get; } = Comparer<(string, string, string)>.Create(static (x, y) =>
            Pairs.Compare((x.Item1, x.Item2), (y.Item1, y.Item2)) is var order and not 0 ? order : string.CompareOrdinal(x.Item3, y.Item3));

        public static SortedDictionary<string, object> Node(SortedDictionary<string, SortedDictionary<string, object>> section, string id, string type)
        {
            if (!section.TryGetValue(id, out var node))
            {
                node = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["prov:type"] = new QualifiedName(type) };
                section[id] = node;
            }

            return node;
        }

        public string Agent(string kind, string name, string type)
        {
            var id = $"ledger:{kind}/{Escape(name)}";
            Node(Agents, id, type);
            return id;
        }

        /// <summary>A dataset version's entity, with its dataset's name and its attribution when the bundle registered the dataset.</summary>
        public SortedDictionary<string, object> DatasetVersion((Guid Dataset, long Version) version)
        {
            var id = IdOf(version);
            if (Entities.TryGetValue(id, out var existing))
            {
                return existing;
            }

            var entity = Node(Entities, id, "ledger:DatasetVersion");
            if (facts._datasets.GetValueOrDefault(version.Dataset) is { } dataset)
            {
                Set(entity, "ledger:name", dataset.Name);
                if (dataset.Institution is { } institution)
                {
                    Attributed.Add((Agent("institution", institution, "prov:Organization"), id));
                }

                if (dataset.Steward is { } steward)
                {
                    Attributed.Add((Agent("steward", steward, "prov:Person"), id));
                }
            }

            return entity;
        }

        /// <summary>The members in canonical order: activity, agent, entity, prefix, used, wasAssociatedWith, wasAttributedTo, wasDerivedFrom, wasGeneratedBy.</summary>
        public async Task WriteAsync(ProvJsonWriter writer, CancellationToken cancellationToken)
        {
            writer.StartObject();
            foreach (var (name, nodes) in new[] { ("activity", Activities), ("agent", Agents), ("entity", Entities) })
            {
                await NodesAsync(writer, name, nodes, cancellationToken).ConfigureAwait(false);
            }

            writer.Name("prefix");
            writer.StartObject();
            writer.Name("ledger");
            writer.String(LedgerNamespace);
            writer.Name("prov");
            writer.String(ProvNamespace);
            writer.EndObject();
            await RelationsAsync(writer, "used", "used", Used, r => [("prov:activity", r.Activity), ("prov:entity", r.Entity)], cancellationToken).ConfigureAwait(false);
            await RelationsAsync(writer, "wasAssociatedWith", "assoc", Associated, r => [("prov:activity", r.Activity), ("prov:agent", r.Agent)], cancellationToken)
                .ConfigureAwait(false);
            await RelationsAsync(writer, "wasAttributedTo", "attr", Attributed, r => [("prov:agent", r.Agent), ("prov:entity", r.Entity)], cancellationToken)
                .ConfigureAwait(false);
            await RelationsAsync(writer, "wasDerivedFrom", "der", Derived,
                r => [("prov:activity", r.Activity), ("prov:generatedEntity", r.Generated), ("prov:usedEntity", r.Used)], cancellationToken).ConfigureAwait(false);
            await RelationsAsync(writer, "wasGeneratedBy", "gen", Generated, r => [("prov:activity", r.Activity), ("prov:entity", r.Entity)], cancellationToken)
                .ConfigureAwait(false);
            writer.EndObject();
        }

        private static async Task NodesAsync(ProvJsonWriter writer, string section, SortedDictionary<string, SortedDictionary<string, object>> nodes, CancellationToken cancellationToken)
        {
            if (nodes.Count == 0)
            {
                return;
            }

            writer.Name(section);
            writer.StartObject();
            foreach (var (id, attributes) in nodes)
            {
                writer.Name(id);
                writer.StartObject();
                foreach (var (attribute, value) in attributes)
                {
                    writer.Name(attribute);
                    switch (value)
                    {
                        case QualifiedName name:
                            writer.StartObject();
                            writer.Name("$");
                            writer.String(name.Name);
                            writer.Name("type");
                            writer.String("prov:QUALIFIED_NAME");
                            writer.EndObject();
                            break;
                        case long number:
                            writer.Number(number);
                            break;
                        default:
                            writer.String((string)value);
                            break;
                    }
                }

                writer.EndObject();
                await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
            }

            writer.EndObject();
        }

        private static async Task RelationsAsync<T>(
            ProvJsonWriter writer, string section, string prefix, SortedSet<T> relations, Func<T, (string Name, string Value)[]> members, CancellationToken cancellationToken)
        {
            if (relations.Count == 0)
            {
                return;
            }

            writer.Name(section);
            writer.StartObject();
            var width = "D" + relations.Count.ToString(CultureInfo.InvariantCulture).Length.ToString(CultureInfo.InvariantCulture);
            var number = 0;
            foreach (var relation in relations)
            {
                writer.Name($"_:{prefix}{(++number).ToString(width, CultureInfo.InvariantCulture)}");
                writer.StartObject();
                foreach (var (member, value) in members(relation))
                {
                    writer.Name(member);
                    writer.String(value);
                }

                writer.EndObject();
                await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
            }

            writer.EndObject();
        }
    }
}
