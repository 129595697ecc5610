using Provenance.Domain.Clearance;
using Provenance.Domain.Datasets;
using Provenance.Domain.Irb;
using Provenance.EventStore;

namespace Provenance.Api.Lineage;

/// <summary>The ledger's facts about a set of datasets as they stood at a log position, folded from their streams.</summary>
internal sealed record LedgerFacts(ClearanceFacts Clearance, IReadOnlyList<IrbProtocol> Protocols)
{
    public IEnumerable<IrbProtocol> CoveringEver(Guid datasetId) => Clearance.ProtocolsEverCovering(datasetId);
}

/// <summary>Loads <see cref="LedgerFacts"/> in two round trips: every dataset stream, then every covering protocol stream.</summary>
internal sealed class LineageFacts(PostgresEventStore store, LineageReader reader)
{
    public async Task<LedgerFacts> LoadAsync(IReadOnlyCollection<Guid> datasetIds, long position, CancellationToken cancellationToken)
    {
        var datasets = new Dictionary<Guid, Dataset>();
        foreach (var stream in await ReadAsync(datasetIds, position, cancellationToken))
        {
            if (Dataset.Fold(stream) is { } dataset)
            {
                datasets[dataset.Id] = dataset;
            }
        }

        var protocolIds = await reader.ProtocolsCoveringAsync(datasetIds, position, cancellationToken);
        var protocols = (await ReadAsync(protocolIds, position, cancellationToken)).Select(IrbProtocol.Fold).OfType<IrbProtocol>().ToList();
        return new LedgerFacts(new ClearanceFacts(datasets, protocols), protocols);
    }

    private async Task<List<List<object>>> ReadAsync(IReadOnlyCollection<Guid> ids, long position, CancellationToken cancellationToken)
    {
        var streams = new List<List<object>>();
        Guid? current = null;
        await foreach (var e in store.ReadStreamsAsync(ids, position, cancellationToken))
        {
            if (e.StreamId != current)
            {
                streams.Add([]);
                current = e.StreamId;
            }

            streams[^1].Add(e.Data);
        }

        return streams;
    }
}
