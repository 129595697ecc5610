using System.Globalization;
using MediatR;
using Provenance.Domain.Datasets;
using Provenance.EventStore;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Datasets.ListingDatasets;

/// <summary>One line of the dataset list.</summary>
public sealed record DatasetSummary(
    Guid Id, string Name, string SourceInstitution, string Modality, string Status, IReadOnlyList<string> LicenseKinds, int VersionCount, DateTimeOffset RegisteredAt);

internal sealed record ListDatasetsQuery(
    string? Institution, string? Modality, string? Status, string? LicenseKind, bool? Cleared, DateOnly? On, string? After, int? Limit) : IRequest<Page<DatasetSummary>>
{
    /// <summary>The orders the list is sorted in: registration (the default), or name; '-' before one reverses it.</summary>
    public static readonly string[] Sorts = ["registered", "name"];

    /// <summary>#21: a part of the dataset's name, matched in any case (wildcards are literal).</summary>
    public string? Name { get; init; }

    /// <summary>#21: the order, one of <see cref="Sorts"/>, '-' first for descending.</summary>
    public string? Sort { get; init; }
}

internal sealed class ListDatasetsValidator : IValidator<ListDatasetsQuery>
{
    public void Validate(ListDatasetsQuery request, FieldErrors errors)
    {
        Paging.Validate(errors, null, request.Limit);
        ListOrder.Read(errors, request.Sort, request.After, ListDatasetsQuery.Sorts);
        if (request.Modality is not null)
        {
            errors.OneOf<Modality>("modality", request.Modality);
        }

        if (request.Status is not null)
        {
            errors.OneOf<DatasetStatus>("status", request.Status);
        }

        if (request.LicenseKind is not null)
        {
            errors.OneOf<Domain.Licenses.LicenseKind>("licenseKind", request.LicenseKind);
        }

        errors.Text("institution", request.Institution, maxLength: 200, required: false);
        errors.Text("name", request.Name, maxLength: 200, required: false);
    }
}

/// <summary>
/// Searches the asynchronous catalog, after waiting (up to a few seconds) for it to reach the log's
/// head as of this request, so that a steward sees what they just wrote (a page read before it did
/// says how far behind it was). With <c>cleared</c>, keeps
/// the datasets whose latest version is (or is not) cleared for training on <c>on</c> (default
/// today), judged by the one clearance function; such a page may hold fewer items than the limit
/// (it scans a bounded number of candidates) and its <c>next</c> cursor continues the scan.
/// </summary>
internal sealed class HandleListDatasets(
    Catalog.CatalogReader catalog, ReadModelWait wait, EventStore.PostgresEventStore store, Clearance.ClearanceFactsLoader facts, TimeProvider clock)
    : IRequestHandler<ListDatasetsQuery, Page<DatasetSummary>>
{
    private const int CandidatesPerItem = 10;

    public async Task<Page<DatasetSummary>> Handle(ListDatasetsQuery request, CancellationToken cancellationToken)
    {
        var stale = await wait.CatchUpAsync(Catalog.CatalogProjection.ProjectionName, cancellationToken);
        var head = stale?.Head ?? await store.GetHeadPositionAsync(cancellationToken);
        bool? retired = request.Status is null ? null : request.Status == EnumNames.Name(DatasetStatus.Retired);
        var limit = request.Limit ?? Paging.DefaultLimit;
        var scan = request.Cleared is null ? limit : Math.Min(limit * CandidatesPerItem, 5_000);
        var order = ListOrder.Of(request.Sort, ListDatasetsQuery.Sorts);
        var (items, more) = await catalog.SearchAsync(request.Institution, request.Modality, retired, request.LicenseKind,
            order, order.Cursor(request.After), scan, cancellationToken, request.Name);
        // The cursor after the last row scanned: a cleared-filtered page continues the scan from there.
        var next = more ? order.Next(items[^1].Name, items[^1].Position) : null;
        if (request.Cleared is { } wanted)
        {
            var day = request.On ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var latest = items.Where(i => i.VersionCount > 0).Select(i => new DatasetVersionRef(i.Id, i.VersionCount)).ToList();
            var known = await facts.LoadAsync(latest, cancellationToken, head);
            var cleared = latest.Where(v => Domain.Clearance.ClearanceRules.Evaluate(v, day, false, known).Cleared).Select(v => v.DatasetId).ToHashSet();
            var kept = items.Where(i => cleared.Contains(i.Id) == wanted).ToList();
            if (kept.Count > limit)
            {
                (items, next) = (kept[..limit], order.Next(kept[limit - 1].Name, kept[limit - 1].Position));
            }
            else
            {
                items = kept;
            }
        }

        return new Page<DatasetSummary>(items.Select(i => new DatasetSummary(
            i.Id, i.Name, i.SourceInstitution, i.Modality, EnumNames.Name(i.Retired ? DatasetStatus.Retired : DatasetStatus.Active),
            i.LicenseKinds, i.VersionCount, i.RegisteredAt)).ToList(), next) { Stale = stale };
    }
}
