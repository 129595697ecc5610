using MediatR;
using Provenance.Domain.Clearance;
using Provenance.Domain.Datasets;
using Provenance.Domain.Irb;
using Provenance.EventStore;
using Provenance.Ledger.Clearance;
using Provenance.Ledger.Datasets.GettingDataset;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Lineage;

namespace Provenance.Ledger.Workspace.ReviewingDataset;

/// <summary>A stretch of an IRB protocol's terms: from a day, until the next terms took effect (exclusive), whether they covered the dataset.</summary>
public sealed record IrbCoveragePeriod(DateOnly From, DateOnly? Until, bool Covers, DateOnly? ExpiresOn);

/// <summary>
/// An IRB protocol that covers (or once covered) the dataset: its standing and expiry on the day
/// reviewed, each stretch of its terms, and its status changes.
/// </summary>
public sealed record IrbCoverage(
    Guid ProtocolId, string ProtocolNumber, string Title, IrbStanding Standing, bool CoversOnDay, DateOnly? ExpiresOn,
    IReadOnlyList<IrbCoveragePeriod> Periods, IReadOnlyList<IrbStatusChange> StatusHistory);

/// <summary>
/// A dataset as a reviewer reads it (#21), as the ledger stood at one position: the dataset, the
/// clearance of each of its versions on a day with the findings, the IRB protocols that covered it
/// over time, and everything downstream of its versions (derived versions, training runs, model
/// versions with their status).
/// </summary>
public sealed record DatasetReview(
    LineageAsOf AsOf, DateOnly Day, bool CommercialUse, DatasetView Dataset, IReadOnlyList<ClearanceResult> Clearance,
    IReadOnlyList<IrbCoverage> IrbCoverage, DownstreamView Downstream);

internal sealed record GetDatasetReviewQuery(Guid Id, DateTimeOffset? AsOf, DateOnly? On, bool Commercial) : IRequest<DatasetReview>;

/// <summary>
/// Reads the log's position once (the as-of instant's, or the head) and answers every part at it,
/// so the parts agree with one another. Clearance is judged by the one clearance function, on
/// <c>on</c> (default the as-of instant's day, or today).
/// </summary>
internal sealed class HandleGetDatasetReview(
    PostgresEventStore store, Aggregates aggregates, ClearanceFactsLoader facts, LineageGraphs graphs, TimeProvider clock)
    : IRequestHandler<GetDatasetReviewQuery, DatasetReview>
{
    public async Task<DatasetReview> Handle(GetDatasetReviewQuery request, CancellationToken cancellationToken)
    {
        var position = request.AsOf is { } at ? await store.GetPositionAsOfAsync(at, cancellationToken) : await store.GetHeadPositionAsync(cancellationToken);
        var (dataset, streamVersion) = await aggregates.DatasetAtAsync(request.Id, position, cancellationToken);
        var day = request.On ?? DateOnly.FromDateTime((request.AsOf ?? clock.GetUtcNow()).UtcDateTime);
        var versions = dataset.Versions.Select(v => new DatasetVersionRef(dataset.Id, v.Version)).ToList();
        var known = await facts.LoadAsync(versions, cancellationToken, position);
        var clearance = versions.Select(v => ClearanceRules.Evaluate(v, day, request.Commercial, known)).ToList();
        var coverage = known.Protocols
            .Where(p => p.TermsHistory.Any(t => t.Terms.CoveredDatasetIds.Contains(dataset.Id)))
            .OrderBy(p => p.Approval.ProtocolNumber, StringComparer.Ordinal)
            .Select(p => Coverage(p, dataset.Id, day))
            .ToList();
        var downstream = versions.Count == 0
            ? new DownstreamView(new LineageAsOf(request.AsOf, position), [], [], [], [], [])
            : await graphs.DownstreamAsync(versions, position, request.AsOf, day, cancellationToken);
        return new DatasetReview(new LineageAsOf(request.AsOf, position), day, request.Commercial, DatasetView.Of(dataset, streamVersion),
            clearance, coverage, downstream);
    }

    private static IrbCoverage Coverage(IrbProtocol protocol, Guid datasetId, DateOnly day)
    {
        var terms = protocol.TermsHistory;
        var periods = terms.Select((t, i) => new IrbCoveragePeriod(
            t.EffectiveOn, i + 1 < terms.Count ? terms[i + 1].EffectiveOn : null, t.Terms.CoveredDatasetIds.Contains(datasetId), t.Terms.ExpiresOn)).ToList();
        var onDay = protocol.TermsOn(day);
        return new IrbCoverage(protocol.Id, protocol.Approval.ProtocolNumber, protocol.Approval.Title, protocol.StandingOn(day),
            onDay?.CoveredDatasetIds.Contains(datasetId) ?? false, onDay?.ExpiresOn, periods, protocol.StatusHistory);
    }
}
