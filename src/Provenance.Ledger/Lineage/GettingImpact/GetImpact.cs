using MediatR;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Domain.Datasets;
using Provenance.EventStore;

namespace Provenance.Ledger.Lineage.GettingImpact;

/// <summary>
/// Everything downstream of a dataset version: what a consent withdrawal, a terminated license or a
/// rescinded decision on it touches, and so which model versions must be reviewed or retrained.
/// </summary>
internal sealed record GetImpactQuery(Guid DatasetId, int Version, DateTimeOffset? AsOf) : IRequest<DownstreamView>;

internal sealed class HandleGetImpact(PostgresEventStore store, LineageReader reader, LineageGraphs graphs, TimeProvider clock)
    : IRequestHandler<GetImpactQuery, DownstreamView>
{
    public async Task<DownstreamView> Handle(GetImpactQuery request, CancellationToken cancellationToken)
    {
        var (datasetId, version, asOf) = request;
        var position = asOf is { } at ? await store.GetPositionAsOfAsync(at, cancellationToken) : await store.GetHeadPositionAsync(cancellationToken);
        var start = new DatasetVersionRef(datasetId, version);
        if (!(await reader.VersionsOfAsync([datasetId], position, cancellationToken)).Contains(start))
        {
            throw new NotFoundException($"version {version} of dataset", datasetId);
        }

        return await graphs.DownstreamAsync([start], position, asOf, DateOnly.FromDateTime((asOf ?? clock.GetUtcNow()).UtcDateTime), cancellationToken);
    }
}
