using MediatR;
using Provenance.Integrity.Bundles;
using Provenance.Ledger.Exports;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Api.Exports;

internal static class ExportApi
{
    public static IEndpointRouteBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit-bundles", async (
                    string? kind, Guid? modelId, string? modelVersion, Guid? datasetId, Guid? protocolId, DateTimeOffset? from, DateTimeOffset? to, long? treeSize,
                    IMediator mediator, HttpContext http, CancellationToken ct) =>
                {
                    var bundle = await mediator.Send(new ExportBundleQuery(kind, modelId, modelVersion, datasetId, protocolId, from, to, treeSize), ct);
                    http.Response.Headers["X-Provenance-Tree-Size"] = bundle.Summary.TreeSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    http.Response.Headers["X-Provenance-Event-Count"] = bundle.Summary.EventCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    http.Response.RegisterForDispose(new TemporaryFolder(Path.GetDirectoryName(bundle.ZipPath)!));
                    return Results.File(bundle.ZipPath, "application/zip", bundle.FileName);
                })
            .WithTags("Exports").WithName("ExportAuditBundle")
            .WithSummary("An audit bundle (docs/audit-bundle-format.md) as a ZIP: the events of a model version's lineage, a dataset and what derives from it, " +
                         "an IRB protocol and what relied on it, or a time range, each with its inclusion proof, proved against the latest signed checkpoint (or ?treeSize=)")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The bundle is a binary ZIP (#14: the document says so).
                var ok = (Microsoft.OpenApi.OpenApiResponse)operation.Responses!["200"];
                ok.Description = "The audit bundle, a ZIP (docs/audit-bundle-format.md)";
                ok.Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                {
                    ["application/zip"] = new() { Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "binary" } },
                };
                return Task.CompletedTask;
            })
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    /// <summary>Deletes the export's temporary folder once the response is done with the file.</summary>
    private sealed class TemporaryFolder(string path) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // Left for the operating system's temporary-file cleanup.
            }
        }
    }
}
