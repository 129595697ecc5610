using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Models.GettingTrainingRun;

/// <summary>One training run of a model, with its clearance override if any.</summary>
internal sealed record GetTrainingRunQuery(Guid Id, Guid RunId, DateTimeOffset? AsOf) : IRequest<Versioned<Domain.Models.TrainingRun>>;

internal sealed class HandleGetTrainingRun(Aggregates aggregates) : IRequestHandler<GetTrainingRunQuery, Versioned<Domain.Models.TrainingRun>>
{
    public async Task<Versioned<Domain.Models.TrainingRun>> Handle(GetTrainingRunQuery request, CancellationToken cancellationToken)
    {
        var (state, version) = await aggregates.ModelAsync(request.Id, cancellationToken, request.AsOf);
        var part = state.Versions.SelectMany(v => v.Runs).FirstOrDefault(r => r.Recorded.RunId == request.RunId) ?? throw new NotFoundException($"The model {request.Id} has no training run {request.RunId}.");
        return new Versioned<Domain.Models.TrainingRun>(part, version);
    }
}
