using Provenance.Domain.Clearance;
using Provenance.Domain.Datasets;
using Provenance.Domain.Irb;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Lineage;

/// <summary>The ledger's facts about a set of datasets as they stood at a log position, folded from their streams.</summary>
internal sealed record LedgerFacts(ClearanceFacts Clearance, IReadOnlyList<IrbProtocol> Protocols)
{
    /// <summary>The version of every dataset and protocol stream the facts were folded from: together, what the facts depend on.</summary>
    public IReadOnlyDictionary<Guid, long> StreamVersions { get; init; } = new Dictionary<Guid, long>();

    public IEnumerable<IrbProtocol> CoveringEver(Guid datasetId) => Clearance.ProtocolsEverCovering(datasetId);
}

/// <summary>
/// Loads <see cref="LedgerFacts"/>: the datasets' states, then those of every protocol that ever
/// covered them, as they stood at the position (folded states are reused across requests).
/// </summary>
internal sealed class LineageFacts(StreamStates states, LineageReader reader)
{
    public async Task<LedgerFacts> LoadAsync(IReadOnlyCollection<Guid> datasetIds, long position, CancellationToken cancellationToken, bool rememberDatasets = true)
    {
        var datasets = await states.LoadSetAsync(datasetIds, position, Dataset.Fold, cancellationToken, rememberDatasets);
        var protocolIds = await reader.ProtocolsCoveringAsync(datasetIds, position, cancellationToken);
        var protocols = await states.LoadSetAsync(protocolIds, position, IrbProtocol.Fold, cancellationToken);
        var list = protocols.States.Values.ToList();
        return new LedgerFacts(new ClearanceFacts(datasets.States, list), list)
        {
            StreamVersions = datasets.Versions.Concat(protocols.Versions).ToDictionary(),
        };
    }
}
