using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Deidentification.GettingDecision;

/// <summary>One de-identification decision of a dataset, with its rescission if any.</summary>
internal sealed record GetDecisionQuery(Guid Id, Guid DecisionId, DateTimeOffset? AsOf) : IRequest<Versioned<Domain.Datasets.DeidentificationDecision>>;

internal sealed class HandleGetDecision(Aggregates aggregates) : IRequestHandler<GetDecisionQuery, Versioned<Domain.Datasets.DeidentificationDecision>>
{
    public async Task<Versioned<Domain.Datasets.DeidentificationDecision>> Handle(GetDecisionQuery request, CancellationToken cancellationToken)
    {
        var (state, version) = await aggregates.DatasetAsync(request.Id, cancellationToken, request.AsOf);
        var part = state.Decisions.FirstOrDefault(d => d.Decided.DecisionId == request.DecisionId) ?? throw new NotFoundException($"The dataset {request.Id} has no de-identification decision {request.DecisionId}.");
        return new Versioned<Domain.Datasets.DeidentificationDecision>(part, version);
    }
}
