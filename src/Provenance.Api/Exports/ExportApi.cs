using MediatR;
using Provenance.Api.Infrastructure.Validation;
using Provenance.Integrity.Bundles;

namespace Provenance.Api.Exports;

/// <summary>An audit bundle request: exactly one scope, and optionally the checkpoint size to prove against.</summary>
internal sealed record ExportBundleQuery(
    string? Kind, Guid? ModelId, string? ModelVersion, Guid? DatasetId, Guid? ProtocolId, DateTimeOffset? From, DateTimeOffset? To, long? TreeSize)
    : IRequest<ExportedBundle>
{
    public BundleScope Scope() => Kind switch
    {
        BundleScope.ModelVersionKind => BundleScope.ForModelVersion(ModelId!.Value, ModelVersion!),
        BundleScope.DatasetKind => BundleScope.ForDataset(DatasetId!.Value),
        BundleScope.IrbProtocolKind => BundleScope.ForIrbProtocol(ProtocolId!.Value),
        _ => BundleScope.ForTimeRange(Microseconds(From!.Value), Microseconds(To!.Value)),
    };

    /// <summary>The ledger records instants to the microsecond; finer digits are dropped.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % 10), TimeSpan.Zero);
}

/// <summary>A bundle packed as a ZIP in a temporary folder, deleted once sent.</summary>
internal sealed record ExportedBundle(string ZipPath, string FileName, ExportSummary Summary);

internal sealed class ExportBundleValidator : IValidator<ExportBundleQuery>
{
    private static readonly string[] Kinds = [BundleScope.ModelVersionKind, BundleScope.DatasetKind, BundleScope.IrbProtocolKind, BundleScope.TimeRangeKind];

    public void Validate(ExportBundleQuery request, FieldErrors errors)
    {
        switch (request.Kind)
        {
            case BundleScope.ModelVersionKind:
                Require(errors, "modelId", request.ModelId is not null);
                errors.Text("modelVersion", request.ModelVersion, maxLength: 100);
                break;
            case BundleScope.DatasetKind:
                Require(errors, "datasetId", request.DatasetId is not null);
                break;
            case BundleScope.IrbProtocolKind:
                Require(errors, "protocolId", request.ProtocolId is not null);
                break;
            case BundleScope.TimeRangeKind:
                Require(errors, "from", request.From is not null);
                Require(errors, "to", request.To is not null);
                if (request.From is { } from && request.To is { } to && ExportBundleQuery.Microseconds(to) <= ExportBundleQuery.Microseconds(from))
                {
                    errors.Add("to", "must be after from");
                }

                break;
            default:
                errors.Add("kind", "must be one of: " + string.Join(", ", Kinds));
                break;
        }

        if (request.TreeSize is < 1)
        {
            errors.Add("treeSize", "must be the size of a signed checkpoint, 1 or more");
        }
    }

    private static void Require(FieldErrors errors, string field, bool present)
    {
        if (!present)
        {
            errors.Add(field, "is required for this kind of scope");
        }
    }
}

internal sealed class HandleExportBundle(AuditExporter exporter) : IRequestHandler<ExportBundleQuery, ExportedBundle>
{
    public async Task<ExportedBundle> Handle(ExportBundleQuery request, CancellationToken cancellationToken)
    {
        var scope = request.Scope();
        var work = Directory.CreateTempSubdirectory("provenance-export-");
        try
        {
            var directory = Path.Combine(work.FullName, "bundle");
            var summary = await exporter.ExportAsync(scope, request.TreeSize, directory, progress: null, cancellationToken);
            var zip = Path.Combine(work.FullName, "bundle.zip");
            await ZipBundle.PackAsync(directory, zip, cancellationToken);
            Directory.Delete(directory, recursive: true);
            return new ExportedBundle(zip, $"audit-bundle-{scope.Kind}-{summary.TreeSize}.zip", summary);
        }
        catch
        {
            work.Delete(recursive: true);
            throw;
        }
    }
}

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
