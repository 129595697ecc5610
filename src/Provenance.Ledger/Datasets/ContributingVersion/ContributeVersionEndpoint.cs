using MediatR;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;

namespace Provenance.Ledger.Datasets.ContributingVersion;

/// <summary>
/// The body of <c>POST /datasets/{id}/versions</c>: the files (sizes and hashes, never contents).
/// <c>contributedAt</c> (default: now) lets a steward record a version delivered earlier.
/// </summary>
public sealed record ContributeVersionRequest(
    IReadOnlyList<ManifestFileRequest>? Files,
    long? RecordCount,
    string? Fingerprint,
    string? StorageUri,
    [property: OptionalMember] DerivationRequest? DerivedFrom,
    [property: OptionalMember] DateTimeOffset? ContributedAt);

public sealed record ManifestFileRequest(string? Path, long? ByteSize, string? Sha256);

public sealed record DerivationRequest(IReadOnlyList<DatasetVersionRefRequest>? Parents, [property: EnumValues(typeof(TransformationKind))] string? Transformation, [property: OptionalMember] string? Description, string? CodeReference);

public sealed record DatasetVersionRefRequest(Guid? DatasetId, int? Version);

internal sealed record ContributeVersionCommand(Guid DatasetId, Precondition? IfMatch, ContributeVersionRequest Body) : ICommand, IDatasetWrite;

internal sealed class ContributeVersionValidator : IValidator<ContributeVersionCommand>
{
    public const int MaxFiles = 100_000;

    public void Validate(ContributeVersionCommand request, FieldErrors errors)
    {
        var body = request.Body;
        if (errors.List("files", body.Files, max: MaxFiles))
        {
            for (var i = 0; i < body.Files!.Count; i++)
            {
                var file = body.Files[i];
                errors.Text($"files[{i}].path", file?.Path, maxLength: 1024);
                errors.Count($"files[{i}].byteSize", file?.ByteSize, max: long.MaxValue);
                errors.Sha256($"files[{i}].sha256", file?.Sha256);
            }
        }

        errors.Count("recordCount", body.RecordCount);
        errors.Text("fingerprint", body.Fingerprint, maxLength: 80);
        errors.AbsoluteUri("storageUri", body.StorageUri);
        if (body.DerivedFrom is { } derivation)
        {
            if (errors.List("derivedFrom.parents", derivation.Parents, max: 1000))
            {
                for (var i = 0; i < derivation.Parents!.Count; i++)
                {
                    errors.Required($"derivedFrom.parents[{i}].datasetId", derivation.Parents[i]?.DatasetId);
                    errors.Required($"derivedFrom.parents[{i}].version", derivation.Parents[i]?.Version);
                }
            }

            errors.OneOf<TransformationKind>("derivedFrom.transformation", derivation.Transformation);
            errors.Text("derivedFrom.description", derivation.Description, maxLength: 4000, required: false, multiline: true);
            errors.Text("derivedFrom.codeReference", derivation.CodeReference, maxLength: 500);
        }
    }
}

internal sealed class HandleContributeVersion(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<ContributeVersionCommand, CommandResult>
{
    public async Task<CommandResult> Handle(ContributeVersionCommand request, CancellationToken cancellationToken)
    {
        var (datasetId, ifMatch, body) = request;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        IReadOnlyDictionary<Guid, Dataset> parents = new Dictionary<Guid, Dataset>();
        Derivation? derivation = null;
        if (body.DerivedFrom is { } d)
        {
            parents = await aggregates.DatasetsAsync(d.Parents!.Select(p => p!.DatasetId!.Value).Distinct().Where(id => id != datasetId).ToList(), cancellationToken);
            derivation = new Derivation(
                d.Parents!.Select(p => new DatasetVersionRef(p!.DatasetId!.Value, p.Version!.Value)).ToList(),
                EnumNames.Parse<TransformationKind>(d.Transformation!), Parse.Trimmed(d.Description), Parse.Trimmed(d.CodeReference));
        }

        var now = clock.GetUtcNow();
        var files = body.Files!.Select(f => new ManifestFile(f.Path!, f.ByteSize!.Value, f.Sha256!.ToLowerInvariant())).ToList();
        var events = ContributeVersion.Decide(
            new ContributeVersion(datasetId, files, body.RecordCount!.Value, body.Fingerprint!.Trim(), body.StorageUri!.Trim(), derivation,
                context.ActorId, body.ContributedAt ?? now, now),
            dataset, parents);
        var number = dataset.Versions.Count + 1;
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, events,
            $"/datasets/{datasetId}/versions/{number}", cancellationToken);
    }
}
