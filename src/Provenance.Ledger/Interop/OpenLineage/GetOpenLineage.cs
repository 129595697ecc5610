using System.Reflection;
using System.Text.Json.Nodes;
using MediatR;
using Microsoft.Extensions.Options;
using Provenance.EventStore;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Models.Disclosing;

namespace Provenance.Ledger.Interop.OpenLineage;

/// <summary>A model version's lineage as OpenLineage RunEvents, as the ledger stands (or stood at <see cref="AsOf"/>).</summary>
public sealed record GetOpenLineageQuery(Guid Id, string ModelVersion, DateTimeOffset? AsOf) : IRequest<IReadOnlyList<JsonObject>>;

internal sealed class HandleGetOpenLineage(ModelDossier.Loader loader, PostgresEventStore store, IOptions<InteropOptions> options, TimeProvider clock)
    : IRequestHandler<GetOpenLineageQuery, IReadOnlyList<JsonObject>>
{
    public async Task<IReadOnlyList<JsonObject>> Handle(GetOpenLineageQuery request, CancellationToken cancellationToken)
    {
        var position = request.AsOf is { } at ? await store.GetPositionAsOfAsync(at, cancellationToken) : await store.GetHeadPositionAsync(cancellationToken);
        var dossier = await loader.LoadAsync(request.Id, request.ModelVersion, position, DateOnly.FromDateTime((request.AsOf ?? clock.GetUtcNow()).UtcDateTime), cancellationToken);
        return OpenLineageEvents.Build(dossier, options.Value);
    }
}

/// <summary>The JSON Schemas of the ledger's custom OpenLineage facets, their <c>$id</c> at this service's public address.</summary>
public static class OpenLineageFacetSchemas
{
    /// <summary>The schema named <paramref name="name"/> (such as <c>ProvenanceClearanceDatasetFacet</c>), or null.</summary>
    public static string? Find(string name, InteropOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!OpenLineageEvents.CustomFacets.Values.Contains(name, StringComparer.Ordinal))
        {
            return null;
        }

        using var stream = typeof(OpenLineageFacetSchemas).Assembly.GetManifestResourceStream($"openlineage-facets/{name}.json")
            ?? throw new InvalidOperationException($"The facet schema {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("{{base}}", options.PublicBaseUrl.TrimEnd('/'), StringComparison.Ordinal);
    }

    /// <summary>Every custom facet's schema name.</summary>
    public static IReadOnlyCollection<string> Names => [.. OpenLineageEvents.CustomFacets.Values];
}
