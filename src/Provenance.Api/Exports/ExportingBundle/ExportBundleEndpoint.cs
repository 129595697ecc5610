using System.Globalization;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using Provenance.Ledger.Exports.ExportingBundle;

namespace Provenance.Api.Exports.ExportingBundle;

/// <summary>
/// <c>GET /audit-bundles</c>: an audit bundle as a ZIP, packed in a temporary folder that is deleted
/// once the response is sent.
/// </summary>
internal static class ExportBundleEndpoint
{
    public static RouteHandlerBuilder MapExportBundle(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/audit-bundles", Handle)
            .WithName("ExportAuditBundle")
            .WithSummary("An audit bundle (docs/audit-bundle-format.md) as a ZIP: the events of a model version's lineage, a dataset and what derives from it, " +
                         "an IRB protocol and what relied on it, or a time range, proved against the latest signed checkpoint (or ?treeSize=) by one multiproof " +
                         "(format 3), or with an inclusion proof for each event (?format=2)")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The bundle is a binary ZIP (#14: the document says so).
                var ok = (OpenApiResponse)operation.Responses!["200"];
                ok.Description = "The audit bundle, a ZIP (docs/audit-bundle-format.md)";
                ok.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/zip"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                };
                return Task.CompletedTask;
            })
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static async Task<PhysicalFileHttpResult> Handle(
        string? kind, Guid? modelId, string? modelVersion, Guid? datasetId, Guid? protocolId, DateTimeOffset? from, DateTimeOffset? to, long? treeSize, int? format,
        IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var bundle = await mediator.Send(new ExportBundleQuery(kind, modelId, modelVersion, datasetId, protocolId, from, to, treeSize, format), cancellationToken);
        context.Response.Headers["X-Provenance-Tree-Size"] = bundle.Summary.TreeSize.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-Provenance-Event-Count"] = bundle.Summary.EventCount.ToString(CultureInfo.InvariantCulture);
        context.Response.RegisterForDispose(new TemporaryFolder(Path.GetDirectoryName(bundle.ZipPath)!));
        return TypedResults.PhysicalFile(bundle.ZipPath, "application/zip", bundle.FileName);
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
