using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Consent.GettingWithdrawal;

/// <summary>One consent withdrawal recorded for a dataset.</summary>
internal sealed record GetWithdrawalQuery(Guid Id, Guid WithdrawalId, DateTimeOffset? AsOf) : IRequest<Versioned<Domain.Consent.ConsentWithdrawn>>;

internal sealed class HandleGetWithdrawal(Aggregates aggregates) : IRequestHandler<GetWithdrawalQuery, Versioned<Domain.Consent.ConsentWithdrawn>>
{
    public async Task<Versioned<Domain.Consent.ConsentWithdrawn>> Handle(GetWithdrawalQuery request, CancellationToken cancellationToken)
    {
        var (state, version) = await aggregates.DatasetAsync(request.Id, cancellationToken, request.AsOf);
        var part = state.ConsentWithdrawals.FirstOrDefault(w => w.WithdrawalId == request.WithdrawalId) ?? throw new NotFoundException($"The dataset {request.Id} has no consent withdrawal {request.WithdrawalId}.");
        return new Versioned<Domain.Consent.ConsentWithdrawn>(part, version);
    }
}
