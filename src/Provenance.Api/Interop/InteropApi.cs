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
        return app;
    }

    public static async Task<ContentHttpResult> Dps(Guid id, int version, DateTimeOffset? asOf, IMediator mediator, CancellationToken cancellationToken)
    {
        var document = await mediator.Send(new GetDpsQuery(id, version, asOf), cancellationToken);
        return TypedResults.Text(document.ToJsonString(Indented), DpsMediaType, System.Text.Encoding.UTF8);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
