using System.Globalization;
using MediatR;
using Provenance.Domain.Datasets;
using Provenance.EventStore;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Models.ListingModels;

/// <summary>One line of the model list.</summary>
public sealed record ModelSummary(
    Guid Id, string Name, string Owner, bool Commercial, IReadOnlyList<string> Versions, IReadOnlyList<string> ReleasedVersions,
    IReadOnlyList<string> WithdrawnVersions, int OverriddenRuns, DateTimeOffset RegisteredAt);

internal sealed record ListModelsQuery(bool? Commercial, bool? Overridden, string? After, int? Limit) : IRequest<Page<ModelSummary>>;

internal sealed class ListModelsValidator : IValidator<ListModelsQuery>
{
    public void Validate(ListModelsQuery request, FieldErrors errors) => Paging.Validate(errors, request.After, request.Limit);
}

internal sealed class HandleListModels(Catalog.CatalogReader catalog, ReadModelWait wait)
    : IRequestHandler<ListModelsQuery, Page<ModelSummary>>
{
    public async Task<Page<ModelSummary>> Handle(ListModelsQuery request, CancellationToken cancellationToken)
    {
        var stale = await wait.CatchUpAsync(Catalog.CatalogProjection.ProjectionName, cancellationToken);
        var (items, next) = await catalog.ModelsAsync(request.Commercial, request.Overridden, Paging.After(request.After), request.Limit ?? Paging.DefaultLimit, cancellationToken);
        return new Page<ModelSummary>(items.Select(i => new ModelSummary(i.Id, i.Name, i.Owner, i.Commercial, i.Versions, i.ReleasedVersions,
            i.WithdrawnVersions, i.OverriddenRuns, i.RegisteredAt)).ToList(), Paging.Next(next)) { Stale = stale };
    }
}
