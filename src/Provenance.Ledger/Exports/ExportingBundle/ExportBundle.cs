using MediatR;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Integrity.Bundles;

namespace Provenance.Ledger.Exports.ExportingBundle;

/// <summary>
/// An audit bundle request: exactly one scope, and optionally the checkpoint size to prove against
/// and the format (3 unless 2 is asked for: an inclusion proof for each event).
/// </summary>
internal sealed record ExportBundleQuery(
    string? Kind, Guid? ModelId, string? ModelVersion, Guid? DatasetId, Guid? ProtocolId, DateTimeOffset? From, DateTimeOffset? To, long? TreeSize, int? Format = null)
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

        if (request.Format is { } format && format is not (2 or 3))
        {
            errors.Add("format", "must be 3 (one multiproof of all the events, the default) or 2 (an inclusion proof for each event)");
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
            var zip = Path.Combine(work.FullName, "bundle.zip");
            var summary = await exporter.ExportAsync(scope, request.TreeSize, directory, zip, progress: null, cancellationToken, request.Format ?? 3);
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
