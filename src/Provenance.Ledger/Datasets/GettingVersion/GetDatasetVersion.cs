using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Datasets.GettingVersion;

/// <summary>One version of a dataset, as of <c>AsOf</c> when given.</summary>
internal sealed record GetDatasetVersionQuery(Guid Id, int Version, DateTimeOffset? AsOf) : IRequest<Versioned<Domain.Datasets.DatasetVersion>>;

internal sealed class HandleGetDatasetVersion(Aggregates aggregates) : IRequestHandler<GetDatasetVersionQuery, Versioned<Domain.Datasets.DatasetVersion>>
{
    public async Task<Versioned<Domain.Datasets.DatasetVersion>> Handle(GetDatasetVersionQuery request, CancellationToken cancellationToken)
    {
        var (state, version) = await aggregates.DatasetAsync(request.Id, cancellationToken, request.AsOf);
        var part = state.Versions.FirstOrDefault(v => v.Version == request.Version) ?? throw new NotFoundException($"The dataset {request.Id} has no version {request.Version}.");
        return new Versioned<Domain.Datasets.DatasetVersion>(part, version);
    }
}
