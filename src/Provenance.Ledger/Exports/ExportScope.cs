using System.Globalization;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Lineage;
using Provenance.Domain.Datasets;
using Provenance.EventStore;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Ledger.Exports;

/// <summary>
/// A scope resolved against a tree size: the streams it holds completely (a stream scope) or the
/// positions it holds (a time range), and the lineage nodes its report shows.
/// </summary>
internal sealed record ResolvedScope(
    string Title, IReadOnlyList<(string Label, string Value)> Description, IReadOnlyList<Guid> Streams, (long First, long Last)? Positions,
    IReadOnlyList<LineageNode> Nodes);

/// <summary>Resolves a scope at a log position: which events a bundle holds, and what its report shows.</summary>
internal sealed class ExportScopeResolver(PostgresEventStore store, LineageReader reader, LineageGraphs graphs)
{
    /// <summary>
    /// Resolves <paramref name="scope"/> at <paramref name="treeSize"/>. With the stream index at that
    /// size (<paramref name="index"/>, for a version 2 bundle), a stream scope's streams are computed
    /// from it by <see cref="BundleScopeClosure"/>, exactly as a verifier recomputes them.
    /// </summary>
    public async Task<ResolvedScope> ResolveAsync(BundleScope scope, long treeSize, DateOnly day, StreamMap? index, CancellationToken cancellationToken)
    {
        var resolved = await ResolveAsync(scope, treeSize, day, cancellationToken);
        if (index is null || !scope.IsStreamScope)
        {
            return resolved;
        }

        IReadOnlyCollection<Guid> seeds = scope.Kind switch
        {
            BundleScope.ModelVersionKind => [.. resolved.Nodes.Where(n => n.DatasetId is not null).Select(n => n.DatasetId!.Value).Distinct()],
            BundleScope.IrbProtocolKind => await reader.DatasetsCoveredByAsync(scope.ProtocolId!.Value, treeSize, cancellationToken),
            _ => [],
        };
        var streams = BundleScopeClosure.Expected(scope, index.Find, seeds).Keys.Order().ToList();
        return resolved with { Streams = streams };
    }

    private async Task<ResolvedScope> ResolveAsync(BundleScope scope, long treeSize, DateOnly day, CancellationToken cancellationToken)
    {
        switch (scope.Kind)
        {
            case BundleScope.ModelVersionKind:
            {
                var (modelId, version) = (scope.ModelId!.Value, scope.ModelVersion!);
                var upstream = await graphs.UpstreamFactsAsync(modelId, version, treeSize, cancellationToken);
                // The graph's nodes name every dataset of the lineage and every protocol that covered one.
                var nodes = LineageGraphs.Upstream(upstream, day, LineageDetail.Summary).Nodes;
                var (modelName, commercial) = (upstream.Model.Registration.Name, upstream.Model.Registration.Commercial);
                var datasets = nodes.Where(n => n.DatasetId is not null).Select(n => n.DatasetId!.Value).Distinct().ToList();
                var protocols = nodes.SelectMany(n => n.IrbApprovals ?? []).Select(a => a.ProtocolId).Distinct().ToList();
                return new ResolvedScope($"Audit bundle: {modelName} {version}",
                    [("Kind", "model version"), ("Model", $"{modelName} ({modelId})"), ("Model version", version), ("Commercial", commercial ? "yes" : "no")],
                    [modelId, .. datasets, .. protocols], null, nodes);
            }

            case BundleScope.DatasetKind:
            {
                var datasetId = scope.DatasetId!.Value;
                var versions = await reader.VersionsOfAsync([datasetId], treeSize, cancellationToken);
                if (versions.Count == 0 && (await store.GetStreamVersionsAsync([datasetId], treeSize, cancellationToken)).Count == 0)
                {
                    throw new NotFoundException("dataset", datasetId);
                }

                return await DownstreamScopeAsync($"Audit bundle: dataset {datasetId}", [("Kind", "dataset"), ("Dataset", datasetId.ToString())],
                    [datasetId], versions, treeSize, day, cancellationToken);
            }

            case BundleScope.IrbProtocolKind:
            {
                var protocolId = scope.ProtocolId!.Value;
                if ((await store.GetStreamVersionsAsync([protocolId], treeSize, cancellationToken)).Count == 0)
                {
                    throw new NotFoundException("IRB protocol", protocolId);
                }

                var covered = await reader.DatasetsCoveredByAsync(protocolId, treeSize, cancellationToken);
                var versions = covered.Count == 0 ? [] : await reader.VersionsOfAsync(covered, treeSize, cancellationToken);
                return await DownstreamScopeAsync($"Audit bundle: IRB protocol {protocolId}", [("Kind", "IRB protocol"), ("Protocol", protocolId.ToString())],
                    [protocolId, .. covered], versions, treeSize, day, cancellationToken);
            }

            default:
            {
                var (from, to) = (scope.From!.Value, scope.To!.Value);
                // Positions recorded in [from, to): the log's recorded_at never decreases, so they are one run of positions.
                // Within the checkpoint's events; an empty range is first..first - 1 (docs/audit-bundle-format.md), a bundle with no events.
                var first = Math.Min(treeSize + 1, await store.GetPositionAsOfAsync(from.AddTicks(-1), cancellationToken) + 1);
                var last = Math.Max(first - 1, Math.Min(treeSize, await store.GetPositionAsOfAsync(to.AddTicks(-1), cancellationToken)));
                return new ResolvedScope($"Audit bundle: events recorded from {from:O} to {to:O}",
                    [("Kind", "time range"), ("From (inclusive)", from.ToString("O", CultureInfo.InvariantCulture)), ("To (exclusive)", to.ToString("O", CultureInfo.InvariantCulture))],
                    [], (first, last), []);
            }
        }
    }

    /// <summary>The streams of the given ones, everything derived downstream of the versions, the protocols that covered any of those datasets, and the models trained on them.</summary>
    private async Task<ResolvedScope> DownstreamScopeAsync(
        string title, IReadOnlyList<(string, string)> description, IReadOnlyList<Guid> streams, IReadOnlyList<DatasetVersionRef> versions, long treeSize, DateOnly day,
        CancellationToken cancellationToken)
    {
        var view = versions.Count == 0 ? null : await graphs.DownstreamAsync(versions, treeSize, null, day, cancellationToken);
        var datasets = (view?.DatasetVersions ?? []).Select(v => v.DatasetId).Distinct().ToList();
        // Each dataset-version node already lists the protocols that ever covered its dataset.
        var protocols = (view?.Nodes ?? []).SelectMany(n => n.IrbApprovals ?? []).Select(a => a.ProtocolId).Distinct();
        var models = (view?.ModelVersions ?? []).Select(m => m.ModelId).Distinct();
        return new ResolvedScope(title, description, streams.Concat(datasets).Concat(protocols).Concat(models).Distinct().ToList(), null, view?.Nodes ?? []);
    }
}
