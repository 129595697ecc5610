using System.Text.Json;
using MediatR;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Ledger.Streams;
using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
using Provenance.EventStore;

namespace Provenance.Ledger.Lineage.GettingModelLineage;

/// <summary>Where a model version's training data came from, down to the original contributions.</summary>
public sealed record ModelLineage(
    Guid ModelId,
    string ModelName,
    bool Commercial,
    string ModelVersion,
    LineageAsOf AsOf,
    IReadOnlyList<LineageNode> Nodes,
    IReadOnlyList<LineageEdge> Edges,
    LineageTreeNode Tree);

/// <summary>
/// A model version's lineage. <c>AtPosition</c> and <c>Day</c> are for in-process callers (an
/// export): answer at that log position, with clearance judged on that day.
/// </summary>
internal sealed record GetModelLineageQuery(
    Guid ModelId, string ModelVersion, DateTimeOffset? AsOf, string? Detail = null, long? AtPosition = null, DateOnly? Day = null) : IRequest<LineageAnswer>;

internal sealed class GetModelLineageValidator : IValidator<GetModelLineageQuery>
{
    public void Validate(GetModelLineageQuery request, FieldErrors errors)
    {
        if (request.Detail is not null)
        {
            errors.OneOf<LineageDetail>("detail", request.Detail);
        }
    }
}

internal sealed class HandleGetModelLineage(
    PostgresEventStore store, StreamStates states, LineageReader reader, LineageFacts loader, LineageAnswers answers, TimeProvider clock)
    : IRequestHandler<GetModelLineageQuery, LineageAnswer>
{
    private const int MaxTreeNodes = 20_000;

    public async Task<LineageAnswer> Handle(GetModelLineageQuery request, CancellationToken cancellationToken)
    {
        var (modelId, modelVersion, asOf, detailText, atPosition, day) = request;
        var detail = detailText is null ? LineageDetail.Summary : EnumNames.Parse<LineageDetail>(detailText);
        var position = atPosition ?? (asOf is { } at ? await store.GetPositionAsOfAsync(at, cancellationToken) : await store.GetHeadPositionAsync(cancellationToken));
        var today = day ?? DateOnly.FromDateTime((asOf ?? clock.GetUtcNow()).UtcDateTime);
        var asOfView = new LineageAsOf(asOf, position);
        var queryKey = LineageAnswers.QueryKey(modelId, modelVersion, detail, today, asOf is null && atPosition is null ? null : position);
        if (await answers.TryReuseAsync(queryKey, position, store, cancellationToken) is { } reused)
        {
            return reused with { AsOf = asOfView };
        }

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
        var fingerprint = LineageAnswers.Fingerprint(modelId, modelVersion, modelSet.Versions[modelId], detail, today, facts.StreamVersions);
        var dependencies = facts.StreamVersions.Keys.Concat(versions.Select(v => v.DatasetId)).Append(modelId).ToHashSet();
        if (answers.TryGetByFingerprint(fingerprint, out var known))
        {
            answers.Remember(queryKey, position, dependencies, known!);
            return known! with { AsOf = asOfView };
        }

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

        var answer = new LineageAnswer(modelId, model.Registration.Name, model.Registration.Commercial, modelVersion, asOfView, fingerprint,
            JsonSerializer.SerializeToUtf8Bytes(graph.Nodes, LineageAnswers.Json), JsonSerializer.SerializeToUtf8Bytes(graph.Edges, LineageAnswers.Json),
            JsonSerializer.SerializeToUtf8Bytes(tree, LineageAnswers.Json));
        answers.Remember(queryKey, position, dependencies, answer);
        return answer;
    }
}
