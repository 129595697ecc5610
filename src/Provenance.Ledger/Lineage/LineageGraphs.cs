using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Lineage;

/// <summary>A model version reached downstream, with where it stands.</summary>
public sealed record AffectedModelVersion(Guid ModelId, string ModelName, string ModelVersion, string Status, IReadOnlyList<Guid> RunIds);

/// <summary>Everything downstream of some dataset versions: derived versions, the runs that used any of them, the model versions those produced.</summary>
public sealed record DownstreamView(
    LineageAsOf AsOf,
    IReadOnlyList<LineageNode> Nodes,
    IReadOnlyList<LineageEdge> Edges,
    IReadOnlyList<DatasetVersionRef> DatasetVersions,
    IReadOnlyList<RunRow> TrainingRuns,
    IReadOnlyList<AffectedModelVersion> ModelVersions);

/// <summary>What a model version's lineage is built from, as of a log position: its runs, their inputs, the derivations upstream of those, and the ledger's facts about every version reached.</summary>
internal sealed record UpstreamFacts(
    Guid ModelId, string ModelVersion, Model Model, long ModelStreamVersion, IReadOnlyList<RunRow> Runs, IReadOnlyList<InputRow> Inputs,
    IReadOnlyList<DerivationRow> Derivations, IReadOnlyList<DatasetVersionRef> Versions, LedgerFacts Facts);

/// <summary>A model version's lineage: the graph's nodes and edges, and the reading tree.</summary>
internal sealed record UpstreamGraph(IReadOnlyList<LineageNode> Nodes, IReadOnlyList<LineageEdge> Edges, LineageTreeNode Tree);

/// <summary>
/// The one place the lineage graph is built (#15), as of a log position: upstream of a model version
/// (the lineage query and the model-version audit bundle) and downstream of dataset versions (the
/// impact and protocol-usage queries and the dataset and protocol bundles). Callers get nodes and
/// edges, never JSON to read back.
/// </summary>
internal sealed class LineageGraphs(StreamStates states, LineageReader reader, LineageFacts loader)
{
    private const int MaxTreeNodes = 20_000;

    /// <summary>Loads what a model version's lineage is built from, at <paramref name="position"/>.</summary>
    /// <exception cref="NotFoundException">No such model, or no training run of the version, at that position.</exception>
    public async Task<UpstreamFacts> UpstreamFactsAsync(Guid modelId, string modelVersion, long position, CancellationToken cancellationToken)
    {
        var modelSet = await states.LoadSetAsync([modelId], position, Model.Fold, cancellationToken);
        var model = modelSet.States.GetValueOrDefault(modelId) ?? throw new NotFoundException("model", modelId);
        var runs = await reader.RunsOfModelVersionAsync(modelId, modelVersion, position, cancellationToken);
        if (runs.Count == 0)
        {
            throw new NotFoundException($"Model {modelId} has no training run for version {modelVersion} on the ledger as of position {position}.");
        }

        var inputs = await reader.InputsAsync(runs.Select(r => r.RunId).ToList(), position, cancellationToken);
        var derivations = await reader.UpstreamOfRunsAsync(runs.Select(r => r.RunId).ToList(), position, cancellationToken);
        var versions = inputs.Select(i => i.Version).Concat(derivations.SelectMany(d => new[] { d.Child, d.Parent })).Distinct().ToList();
        var facts = await loader.LoadAsync(versions.Select(v => v.DatasetId).Distinct().ToList(), position, cancellationToken);
        return new UpstreamFacts(modelId, modelVersion, model, modelSet.Versions[modelId], runs, inputs, derivations, versions, facts);
    }

    /// <summary>Builds a model version's lineage graph and reading tree, clearance judged on <paramref name="today"/>.</summary>
    public static UpstreamGraph Upstream(UpstreamFacts upstream, DateOnly today, LineageDetail detail)
    {
        var (modelId, modelVersion, model, _, runs, inputs, derivations, versions, facts) = upstream;
        var graph = new LineageGraphBuilder(facts, model.Registration.Commercial, today, detail);
        var modelNode = NodeIds.ModelVersion(modelId, modelVersion);
        graph.AddModelVersion(modelId, modelVersion, model.Registration.Name);
        foreach (var run in runs)
        {
            graph.AddRun(run);
            graph.AddEdge(new LineageEdge(modelNode, NodeIds.Run(run.RunId), "was-generated-by"));
        }

        var inputVersions = inputs.Select(i => i.Version).ToHashSet();
        var childrenOf = derivations.ToLookup(d => d.Parent);
        foreach (var version in versions)
        {
            graph.AddDatasetVersion(version, runs, LineageGraphBuilder.OnlyFeedsDeidentification(version, childrenOf, inputVersions));
        }

        foreach (var input in inputs)
        {
            graph.AddEdge(new LineageEdge(NodeIds.Run(input.RunId), NodeIds.Of(input.Version), "used"));
        }

        foreach (var derivation in derivations)
        {
            graph.AddEdge(new LineageEdge(NodeIds.Of(derivation.Child), NodeIds.Of(derivation.Parent), "was-derived-from", derivation.Transformation));
        }

        // A version's ancestry is spelled out at its first appearance only, so the tree stays as
        // large as the graph; a budget still bounds it (the nodes and edges always hold the whole graph).
        var parents = derivations.ToLookup(d => d.Child);
        var expanded = new HashSet<DatasetVersionRef>();
        var budget = MaxTreeNodes;
        LineageTreeNode Version(DatasetVersionRef v, int depth)
        {
            var node = graph.Node(NodeIds.Of(v));
            budget--;
            var hasParents = parents[v].Any();
            var deduped = hasParents && !expanded.Add(v);
            var truncated = !deduped && (depth > 200 || budget <= 0) && hasParents;
            var children = truncated || deduped ? [] : parents[v].Select(d => Version(d.Parent, depth + 1)).ToList();
            return new LineageTreeNode(node.Id, node.Kind, graph.Label(v), node.ClearanceAtTraining?.All(c => c.Cleared), node.ClearanceToday?.Cleared,
                parents[v].FirstOrDefault()?.Transformation, children, truncated, deduped);
        }

        var tree = new LineageTreeNode(modelNode, "model-version", $"{model.Registration.Name} {modelVersion}", null, null, null,
            runs.Select(r => new LineageTreeNode(NodeIds.Run(r.RunId), "training-run", $"training run {r.StartedAt:yyyy-MM-dd}" + (r.Overridden ? " (clearance overridden)" : ""),
                null, null, null, inputs.Where(i => i.RunId == r.RunId).Select(i => Version(i.Version, 0)).ToList())).ToList());
        return new UpstreamGraph(graph.Nodes, graph.Edges, tree);
    }

    /// <summary>Everything downstream of <paramref name="starts"/>: derived versions, the runs that used any of them, the model versions those produced.</summary>
    public async Task<DownstreamView> DownstreamAsync(
        IReadOnlyList<DatasetVersionRef> starts, long position, DateTimeOffset? asOf, DateOnly today, CancellationToken cancellationToken)
    {
        var derivations = await reader.DownstreamAsync(starts, position, cancellationToken);
        var versions = starts.Concat(derivations.Select(d => d.Child)).Distinct().ToList();
        var runs = versions.Count == 0 ? [] : await reader.RunsUsingAsync(versions, position, cancellationToken);
        var inputs = runs.Count == 0 ? [] : await reader.InputsAsync(runs.Select(r => r.RunId).ToList(), position, cancellationToken);
        var modelIds = runs.Select(r => r.ModelId).Distinct().ToList();
        var models = await states.LoadAsync(modelIds, position, Model.Fold, cancellationToken);

        var facts = await loader.LoadAsync(versions.Select(v => v.DatasetId).Distinct().ToList(), position, cancellationToken);
        var graph = new LineageGraphBuilder(facts, commercialUse: false, today);
        var childrenOf = derivations.ToLookup(d => d.Parent);
        var usedDirectly = inputs.Select(i => i.Version).ToHashSet();
        foreach (var version in versions)
        {
            graph.AddDatasetVersion(version, [], LineageGraphBuilder.OnlyFeedsDeidentification(version, childrenOf, usedDirectly));
        }

        foreach (var derivation in derivations)
        {
            graph.AddEdge(new LineageEdge(NodeIds.Of(derivation.Child), NodeIds.Of(derivation.Parent), "was-derived-from", derivation.Transformation));
        }

        var inSet = versions.ToHashSet();
        foreach (var run in runs)
        {
            graph.AddRun(run);
            foreach (var input in inputs.Where(i => i.RunId == run.RunId && inSet.Contains(i.Version)))
            {
                graph.AddEdge(new LineageEdge(NodeIds.Run(run.RunId), NodeIds.Of(input.Version), "used"));
            }
        }

        var affected = runs.GroupBy(r => (r.ModelId, r.ModelVersion)).Select(g =>
        {
            var model = models.GetValueOrDefault(g.Key.ModelId);
            var status = model?.Version(g.Key.ModelVersion)?.Status ?? ModelVersionStatus.Training;
            graph.AddModelVersion(g.Key.ModelId, g.Key.ModelVersion, model?.Registration.Name ?? "");
            foreach (var run in g)
            {
                graph.AddEdge(new LineageEdge(NodeIds.ModelVersion(g.Key.ModelId, g.Key.ModelVersion), NodeIds.Run(run.RunId), "was-generated-by"));
            }

            return new AffectedModelVersion(g.Key.ModelId, model?.Registration.Name ?? "", g.Key.ModelVersion, Domain.Common.Names.Of(status), g.Select(r => r.RunId).ToList());
        }).ToList();

        return new DownstreamView(new LineageAsOf(asOf, position), graph.Nodes, graph.Edges, versions, runs, affected);
    }
}
