using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Models.GettingModelVersion;

/// <summary>One version of a model: its training runs, status, release and withdrawal.</summary>
internal sealed record GetModelVersionQuery(Guid Id, string ModelVersion, DateTimeOffset? AsOf) : IRequest<Versioned<Domain.Models.ModelVersion>>;

internal sealed class HandleGetModelVersion(Aggregates aggregates) : IRequestHandler<GetModelVersionQuery, Versioned<Domain.Models.ModelVersion>>
{
    public async Task<Versioned<Domain.Models.ModelVersion>> Handle(GetModelVersionQuery request, CancellationToken cancellationToken)
    {
        var (state, version) = await aggregates.ModelAsync(request.Id, cancellationToken, request.AsOf);
        var part = state.Versions.FirstOrDefault(v => v.Version == request.ModelVersion) ?? throw new NotFoundException($"The model {request.Id} has no version {request.ModelVersion}.");
        return new Versioned<Domain.Models.ModelVersion>(part, version);
    }
}
