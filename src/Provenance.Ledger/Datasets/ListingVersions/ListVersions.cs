using System.Globalization;
using MediatR;
using Provenance.Domain.Datasets;
using Provenance.EventStore;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Datasets.ListingVersions;

/// <summary>A dataset's versions with their compliance status as last recorded.</summary>
internal sealed record ListVersionsQuery(Guid DatasetId) : IRequest<Page<Catalog.VersionStatus>>;

internal sealed class HandleListVersions(Catalog.CatalogReader catalog, ReadModelWait wait, Infrastructure.Commands.Aggregates aggregates)
    : IRequestHandler<ListVersionsQuery, Page<Catalog.VersionStatus>>
{
    // A page like every list (#14), always whole: a dataset's versions are few.
    public async Task<Page<Catalog.VersionStatus>> Handle(ListVersionsQuery request, CancellationToken cancellationToken)
    {
        await aggregates.EnsureDatasetAsync(request.DatasetId, cancellationToken);
        var stale = await wait.CatchUpAsync(Catalog.CatalogProjection.ProjectionName, cancellationToken);
        return new Page<Catalog.VersionStatus>(await catalog.VersionsAsync(request.DatasetId, cancellationToken), Next: null) { Stale = stale };
    }
}
