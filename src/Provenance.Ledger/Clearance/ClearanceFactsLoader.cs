using Provenance.Ledger.Lineage;
using Provenance.Domain.Clearance;
using Provenance.Domain.Datasets;
using Provenance.EventStore;

namespace Provenance.Ledger.Clearance;

/// <summary>
/// Gathers what the clearance rules judge, as the ledger stood at a position (its head by
/// default): the dataset versions asked about and all their ancestors (one walk of the lineage
/// graph), folded from their streams, and every IRB protocol that ever covered one of them.
/// </summary>
internal sealed class ClearanceFactsLoader(LineageReader reader, LineageFacts facts, PostgresEventStore store)
{
    /// <remarks><c>rememberDatasets</c> false is for a sweep over most of the ledger: the datasets' folded states stay out of the shared cache (the protocols' join it).</remarks>
    public async Task<ClearanceFacts> LoadAsync(
        IEnumerable<DatasetVersionRef> versions, CancellationToken cancellationToken, long? position = null, bool rememberDatasets = true)
    {
        var at = position ?? await store.GetHeadPositionAsync(cancellationToken);
        var asked = versions.Distinct().ToList();
        var ancestors = await reader.UpstreamAsync(asked, at, cancellationToken);
        var datasetIds = asked.Select(v => v.DatasetId).Concat(ancestors.Select(a => a.Parent.DatasetId)).Distinct().ToList();
        return (await facts.LoadAsync(datasetIds, at, cancellationToken, rememberDatasets)).Clearance;
    }
}
