using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Licenses.GettingLicense;

/// <summary>One license of a dataset, with its terms over time and its termination if any.</summary>
internal sealed record GetLicenseQuery(Guid Id, Guid LicenseId, DateTimeOffset? AsOf) : IRequest<Versioned<Domain.Datasets.DatasetLicense>>;

internal sealed class HandleGetLicense(Aggregates aggregates) : IRequestHandler<GetLicenseQuery, Versioned<Domain.Datasets.DatasetLicense>>
{
    public async Task<Versioned<Domain.Datasets.DatasetLicense>> Handle(GetLicenseQuery request, CancellationToken cancellationToken)
    {
        var (state, version) = await aggregates.DatasetAsync(request.Id, cancellationToken, request.AsOf);
        var part = state.Licenses.FirstOrDefault(l => l.Granted.LicenseId == request.LicenseId) ?? throw new NotFoundException($"The dataset {request.Id} has no license {request.LicenseId}.");
        return new Versioned<Domain.Datasets.DatasetLicense>(part, version);
    }
}
