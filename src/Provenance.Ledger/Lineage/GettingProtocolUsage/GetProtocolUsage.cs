using MediatR;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Domain.Irb;
using Provenance.EventStore;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Lineage.GettingProtocolUsage;

/// <summary>Every dataset, training run and model version that relied on an IRB protocol.</summary>
public sealed record ProtocolUsage(Guid ProtocolId, string ProtocolNumber, string Title, IReadOnlyList<Guid> CoveredDatasetIds, DownstreamView Reliance);

internal sealed record GetProtocolUsageQuery(Guid ProtocolId, DateTimeOffset? AsOf) : IRequest<ProtocolUsage>;

internal sealed class HandleGetProtocolUsage(PostgresEventStore store, LineageReader reader, LineageGraphs graphs, StreamStates states, TimeProvider clock)
    : IRequestHandler<GetProtocolUsageQuery, ProtocolUsage>
{
    public async Task<ProtocolUsage> Handle(GetProtocolUsageQuery request, CancellationToken cancellationToken)
    {
        var (protocolId, asOf) = request;
        var position = asOf is { } at ? await store.GetPositionAsOfAsync(at, cancellationToken) : await store.GetHeadPositionAsync(cancellationToken);
        var protocol = (await states.LoadAsync([protocolId], position, IrbProtocol.Fold, cancellationToken)).GetValueOrDefault(protocolId)
            ?? throw new NotFoundException("IRB protocol", protocolId);
        var covered = await reader.DatasetsCoveredByAsync(protocolId, position, cancellationToken);
        var versions = covered.Count == 0 ? [] : await reader.VersionsOfAsync(covered, position, cancellationToken);
        var reliance = await graphs.DownstreamAsync(versions, position, asOf, DateOnly.FromDateTime((asOf ?? clock.GetUtcNow()).UtcDateTime), cancellationToken);
        return new ProtocolUsage(protocolId, protocol.Approval.ProtocolNumber, protocol.Approval.Title, covered, reliance);
    }
}
