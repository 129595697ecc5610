using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Domain.Clearance;
using Provenance.Domain.Datasets;

namespace Provenance.Ledger.Clearance.GettingClearance;

/// <summary>Whether a dataset version is cleared for training on a day (today by default).</summary>
internal sealed record GetClearanceQuery(Guid DatasetId, int Version, DateOnly? On, bool Commercial, DateTimeOffset? AsOf = null) : IRequest<ClearanceResult>;

internal sealed class HandleGetClearance(Aggregates aggregates, ClearanceFactsLoader facts, EventStore.PostgresEventStore store, TimeProvider clock)
    : IRequestHandler<GetClearanceQuery, ClearanceResult>
{
    public async Task<ClearanceResult> Handle(GetClearanceQuery request, CancellationToken cancellationToken)
    {
        var (dataset, _) = await aggregates.DatasetAsync(request.DatasetId, cancellationToken, request.AsOf);
        if (dataset.Version(request.Version) is null)
        {
            throw new Infrastructure.Problems.NotFoundException("dataset version", request.DatasetId);
        }

        var reference = new DatasetVersionRef(request.DatasetId, request.Version);
        var day = request.On ?? DateOnly.FromDateTime((request.AsOf ?? clock.GetUtcNow()).UtcDateTime);
        long? position = request.AsOf is { } asOf ? await store.GetPositionAsOfAsync(asOf, cancellationToken) : null;
        return ClearanceRules.Evaluate(reference, day, request.Commercial, await facts.LoadAsync([reference], cancellationToken, position));
    }
}
