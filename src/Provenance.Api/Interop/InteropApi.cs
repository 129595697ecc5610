using System.Text.Json;
using System.Text.Json.Nodes;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Access;
using Provenance.Ledger.Interop.Dps;

namespace Provenance.Api.Interop;

/// <summary>The ledger's facts in the standards' own formats (#19): OASIS Data Provenance Metadata and OpenLineage.</summary>
internal static class InteropApi
{
    public const string DpsMediaType = "application/json";

    public static IEndpointRouteBuilder MapInteropApi(this IEndpointRouteBuilder app)
    {
        var reads = app.MapGroup("").WithTags("Interop").RequireAuthorization(AccessPolicies.Read);
        reads.MapGet("/datasets/{id:guid}/versions/{version:int}/dps", Dps)
            .WithName("GetDatasetVersionDps")
            .WithSummary("The dataset version's OASIS Data Provenance Metadata v1.0 document, derived from the ledger (?asOf= for the ledger as it stood then)")
            .Produces<JsonObject>(StatusCodes.Status200OK, DpsMediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/models/{id:guid}/versions/{modelVersion}/openlineage", OpenLineage)
            .WithName("GetModelVersionOpenLineage")
            .WithSummary("The model version's lineage as OpenLineage 2-0-2 RunEvents, one per line (NDJSON): a run per upstream derivation and per training run, with the ledger's facets (?asOf=)")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson")
            .ProducesProblem(StatusCodes.Status404NotFound);
        // The schemas of the custom facets are public, as the standard facets' are: every event names one in _schemaURL.
        app.MapGet("/openlineage/facets/{name}.json", FacetSchema)
            .WithTags("Interop")
            .WithName("GetOpenLineageFacetSchema")
            .WithSummary("The JSON Schema of one of the ledger's custom OpenLineage facets (ProvenanceDeidentificationDatasetFacet, ProvenanceIrbCoverageDatasetFacet, ProvenanceLicenseDatasetFacet, ProvenanceClearanceDatasetFacet)")
            .Produces(StatusCodes.Status200OK, contentType: "application/schema+json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AllowAnonymous();
        return app;
    }

    public static async Task<ContentHttpResult> OpenLineage(Guid id, string modelVersion, DateTimeOffset? asOf, IMediator mediator, CancellationToken cancellationToken)
    {
        var events = await mediator.Send(new Ledger.Interop.OpenLineage.GetOpenLineageQuery(id, modelVersion, asOf), cancellationToken);
        return TypedResults.Text(string.Concat(events.Select(e => e.ToJsonString(Compact) + "\n")), "application/x-ndjson", System.Text.Encoding.UTF8);
    }

    public static ContentHttpResult FacetSchema(string name, Microsoft.Extensions.Options.IOptions<Ledger.Interop.InteropOptions> options) =>
        TypedResults.Text(
            Ledger.Interop.OpenLineage.OpenLineageFacetSchemas.Find(name, options.Value) ?? throw new Ledger.Infrastructure.Problems.NotFoundException($"No facet schema is named {name}."),
            "application/schema+json", System.Text.Encoding.UTF8);

    public static async Task<ContentHttpResult> Dps(Guid id, int version, DateTimeOffset? asOf, IMediator mediator, CancellationToken cancellationToken)
    {
        var document = await mediator.Send(new GetDpsQuery(id, version, asOf), cancellationToken);
        return TypedResults.Text(document.ToJsonString(Indented), DpsMediaType, System.Text.Encoding.UTF8);
    }

    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
