using System.Globalization;
using System.Text.Json;
using MediatR;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Datasets;
using Provenance.EventStore;

namespace Provenance.Ledger.Streams;

/// <summary>One line of the dataset list.</summary>
public sealed record DatasetSummary(
    Guid Id, string Name, string SourceInstitution, string Modality, string Status, IReadOnlyList<string> LicenseKinds, int VersionCount, DateTimeOffset RegisteredAt);

/// <summary>One line of the model list.</summary>
public sealed record ModelSummary(
    Guid Id, string Name, string Owner, bool Commercial, IReadOnlyList<string> Versions, IReadOnlyList<string> ReleasedVersions,
    IReadOnlyList<string> WithdrawnVersions, int OverriddenRuns, DateTimeOffset RegisteredAt);

/// <summary>One line of the IRB protocol list, with where the protocol stands on <see cref="Day"/> (as its own read says).</summary>
public sealed record ProtocolSummary(
    Guid Id, string ProtocolNumber, string Title, string IrbName, string ReviewType, DateOnly ApprovedOn, Domain.Irb.IrbStanding Status, DateOnly Day);

internal sealed record ListDatasetsQuery(
    string? Institution, string? Modality, string? Status, string? LicenseKind, bool? Cleared, DateOnly? On, string? After, int? Limit) : IRequest<Page<DatasetSummary>>;

internal sealed record ListModelsQuery(bool? Commercial, bool? Overridden, string? After, int? Limit) : IRequest<Page<ModelSummary>>;

/// <summary>A dataset's versions with their compliance status as last recorded.</summary>
internal sealed record ListVersionsQuery(Guid DatasetId) : IRequest<Page<Catalog.VersionStatus>>;

internal sealed record ListProtocolsQuery(string? ProtocolNumber, DateOnly? On, string? After, int? Limit) : IRequest<Page<ProtocolSummary>>;

internal static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static void Validate(FieldErrors errors, string? after, int? limit)
    {
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            errors.Add("after", "must be a cursor returned as 'next' by an earlier page");
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"must be between 1 and {MaxLimit}");
        }
    }

    public static long After(string? after) => after is null ? 0 : long.Parse(after, CultureInfo.InvariantCulture);

    public static string? Next(long? position) => position?.ToString(CultureInfo.InvariantCulture);
}

internal sealed class ListDatasetsValidator : IValidator<ListDatasetsQuery>
{
    public void Validate(ListDatasetsQuery request, FieldErrors errors)
    {
        Paging.Validate(errors, request.After, request.Limit);
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
    }
}

internal sealed class ListModelsValidator : IValidator<ListModelsQuery>
{
    public void Validate(ListModelsQuery request, FieldErrors errors) => Paging.Validate(errors, request.After, request.Limit);
}

internal sealed class ListProtocolsValidator : IValidator<ListProtocolsQuery>
{
    public void Validate(ListProtocolsQuery request, FieldErrors errors)
    {
        Paging.Validate(errors, request.After, request.Limit);
        errors.Text("protocolNumber", request.ProtocolNumber, maxLength: 100, required: false);
    }
}

/// <summary>
/// Searches the asynchronous catalog, after waiting (up to a few seconds) for it to reach the log's
/// head as of this request, so that a steward sees what they just wrote.
/// </summary>
/// <summary>
/// Searches the asynchronous catalog, after waiting (up to a few seconds) for it to reach the log's
/// head as of this request, so that a steward sees what they just wrote. With <c>cleared</c>, keeps
/// the datasets whose latest version is (or is not) cleared for training on <c>on</c> (default
/// today), judged by the one clearance function; such a page may hold fewer items than the limit
/// (it scans a bounded number of candidates) and its <c>next</c> cursor continues the scan.
/// </summary>
internal sealed class HandleListDatasets(
    Catalog.CatalogReader catalog, Catalog.ProjectionDaemon daemon, EventStore.PostgresEventStore store, Clearance.ClearanceFactsLoader facts, TimeProvider clock)
    : IRequestHandler<ListDatasetsQuery, Page<DatasetSummary>>
{
    private const int CandidatesPerItem = 10;

    public async Task<Page<DatasetSummary>> Handle(ListDatasetsQuery request, CancellationToken cancellationToken)
    {
        var head = await store.GetHeadPositionAsync(cancellationToken);
        await daemon.WaitForAsync("catalog", head, TimeSpan.FromSeconds(5), cancellationToken);
        bool? retired = request.Status is null ? null : request.Status == EnumNames.Name(DatasetStatus.Retired);
        var limit = request.Limit ?? Paging.DefaultLimit;
        var scan = request.Cleared is null ? limit : Math.Min(limit * CandidatesPerItem, 5_000);
        var (items, next) = await catalog.SearchAsync(request.Institution, request.Modality, retired, request.LicenseKind,
            Paging.After(request.After), scan, cancellationToken);
        if (request.Cleared is { } wanted)
        {
            var day = request.On ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var latest = items.Where(i => i.VersionCount > 0).Select(i => new DatasetVersionRef(i.Id, i.VersionCount)).ToList();
            var known = await facts.LoadAsync(latest, cancellationToken, head);
            var cleared = latest.Where(v => Domain.Clearance.ClearanceRules.Evaluate(v, day, false, known).Cleared).Select(v => v.DatasetId).ToHashSet();
            var kept = items.Where(i => cleared.Contains(i.Id) == wanted).ToList();
            if (kept.Count > limit)
            {
                (items, next) = (kept[..limit], kept[limit - 1].Position);
            }
            else
            {
                items = kept;
            }
        }

        return new Page<DatasetSummary>(items.Select(i => new DatasetSummary(
            i.Id, i.Name, i.SourceInstitution, i.Modality, EnumNames.Name(i.Retired ? DatasetStatus.Retired : DatasetStatus.Active),
            i.LicenseKinds, i.VersionCount, i.RegisteredAt)).ToList(), Paging.Next(next));
    }
}

internal sealed class HandleListModels(Catalog.CatalogReader catalog, Catalog.ProjectionDaemon daemon, EventStore.PostgresEventStore store)
    : IRequestHandler<ListModelsQuery, Page<ModelSummary>>
{
    public async Task<Page<ModelSummary>> Handle(ListModelsQuery request, CancellationToken cancellationToken)
    {
        await daemon.WaitForAsync("catalog", await store.GetHeadPositionAsync(cancellationToken), TimeSpan.FromSeconds(5), cancellationToken);
        var (items, next) = await catalog.ModelsAsync(request.Commercial, request.Overridden, Paging.After(request.After), request.Limit ?? Paging.DefaultLimit, cancellationToken);
        return new Page<ModelSummary>(items.Select(i => new ModelSummary(i.Id, i.Name, i.Owner, i.Commercial, i.Versions, i.ReleasedVersions,
            i.WithdrawnVersions, i.OverriddenRuns, i.RegisteredAt)).ToList(), Paging.Next(next));
    }
}

internal sealed class HandleListVersions(Catalog.CatalogReader catalog, Catalog.ProjectionDaemon daemon, EventStore.PostgresEventStore store, Infrastructure.Commands.Aggregates aggregates)
    : IRequestHandler<ListVersionsQuery, Page<Catalog.VersionStatus>>
{
    // A page like every list (#14), always whole: a dataset's versions are few.
    public async Task<Page<Catalog.VersionStatus>> Handle(ListVersionsQuery request, CancellationToken cancellationToken)
    {
        await aggregates.EnsureDatasetAsync(request.DatasetId, cancellationToken);
        await daemon.WaitForAsync("catalog", await store.GetHeadPositionAsync(cancellationToken), TimeSpan.FromSeconds(5), cancellationToken);
        return new Page<Catalog.VersionStatus>(await catalog.VersionsAsync(request.DatasetId, cancellationToken), Next: null);
    }
}

internal sealed class HandleListProtocols(RegistrationIndex index, StreamStates states, PostgresEventStore store, TimeProvider clock)
    : IRequestHandler<ListProtocolsQuery, Page<ProtocolSummary>>
{
    public async Task<Page<ProtocolSummary>> Handle(ListProtocolsQuery request, CancellationToken cancellationToken)
    {
        var filters = request.ProtocolNumber is { } number ? new List<(string, object)> { ("protocolNumber", number) } : [];
        var (items, next) = await index.ListAsync("irb.protocol-approved", filters, Paging.After(request.After), request.Limit ?? Paging.DefaultLimit, cancellationToken);
        // The page's protocols folded (two round trips, reused while unchanged), for their standing on the day.
        var head = await store.GetHeadPositionAsync(cancellationToken);
        var protocols = await states.LoadAsync(items.Select(i => i.StreamId).ToList(), head,
            Domain.Irb.IrbProtocol.Fold, cancellationToken);
        var day = request.On ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return new Page<ProtocolSummary>(items.Select(i => new ProtocolSummary(
            i.StreamId, i.Data.GetProperty("protocolNumber").GetString()!, i.Data.GetProperty("title").GetString()!, i.Data.GetProperty("irbName").GetString()!,
            i.Data.GetProperty("reviewType").GetString()!, DateOnly.Parse(i.Data.GetProperty("approvedOn").GetString()!, CultureInfo.InvariantCulture),
            protocols[i.StreamId].StandingOn(day), day)).ToList(),
            Paging.Next(next));
    }
}
