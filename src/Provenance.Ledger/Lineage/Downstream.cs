using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
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

/// <summary>Walks downstream through derivations and training runs, as of a log position.</summary>
internal sealed class Downstream(StreamStates states, LineageReader reader, LineageFacts loader)
{
    public async Task<DownstreamView> FromAsync(IReadOnlyList<DatasetVersionRef> starts, long position, DateTimeOffset? asOf, DateOnly today, CancellationToken cancellationToken)
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
