using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Decision = Provenance.Domain.Datasets.ContributingVersion.ContributeVersion;

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

public sealed record DerivationRequest(
    IReadOnlyList<DatasetVersionRefRequest>? Parents, [property: EnumValues(typeof(TransformationKind))] string? Transformation,
    [property: OptionalMember] string? Description, string? CodeReference);

public sealed record DatasetVersionRefRequest(Guid? DatasetId, int? Version);

/// <summary>Contribute the next version of a dataset, as sent.</summary>
internal sealed record ContributeVersionCommand(Guid DatasetId, Precondition? IfMatch, ContributeVersionRequest Body)
    : ICommand<ContributeVersionCommand.Valid>, IDatasetWrite
{
    /// <summary>The contribution, checked; <see cref="ContributedAt"/> null means now.</summary>
    internal sealed record Valid(
        Guid DatasetId, Precondition? IfMatch, IReadOnlyList<ManifestFile> Files, long RecordCount, string Fingerprint, string StorageUri,
        Derivation? Derivation, DateTimeOffset? ContributedAt);
}

internal sealed class ContributeVersionParser : ICommandParser<ContributeVersionCommand, ContributeVersionCommand.Valid>
{
    public const int MaxFiles = 100_000;

    public ContributeVersionCommand.Valid Parse(ContributeVersionCommand command, FieldErrors errors)
    {
        var body = command.Body;
        var files = new List<ManifestFile>();
        if (errors.List("files", body.Files, max: MaxFiles))
        {
            for (var i = 0; i < body.Files.Count; i++)
            {
                var file = body.Files[i];
                files.Add(new ManifestFile(
                    errors.Text($"files[{i}].path", file?.Path, maxLength: 1024, trim: false),
                    errors.Count($"files[{i}].byteSize", file?.ByteSize, max: long.MaxValue),
                    errors.Sha256($"files[{i}].sha256", file?.Sha256).ToLowerInvariant()));
            }
        }

        var records = errors.Count("recordCount", body.RecordCount);
        var fingerprint = errors.Text("fingerprint", body.Fingerprint, maxLength: 80);
        var storageUri = errors.AbsoluteUri("storageUri", body.StorageUri);
        Derivation? derivation = null;
        if (body.DerivedFrom is { } derived)
        {
            var parents = new List<DatasetVersionRef>();
            if (errors.List("derivedFrom.parents", derived.Parents, max: 1000))
            {
                for (var i = 0; i < derived.Parents.Count; i++)
                {
                    parents.Add(new DatasetVersionRef(
                        errors.Required($"derivedFrom.parents[{i}].datasetId", derived.Parents[i]?.DatasetId),
                        errors.Required($"derivedFrom.parents[{i}].version", derived.Parents[i]?.Version)));
                }
            }

            derivation = new Derivation(parents,
                errors.OneOf<TransformationKind>("derivedFrom.transformation", derived.Transformation),
                errors.Text("derivedFrom.description", derived.Description, maxLength: 4000, required: false, multiline: true),
                errors.Text("derivedFrom.codeReference", derived.CodeReference, maxLength: 500));
        }

        return new(command.DatasetId, command.IfMatch, files, records, fingerprint, storageUri, derivation, body.ContributedAt);
    }
}

internal sealed class HandleContributeVersion(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<ContributeVersionCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(ContributeVersionCommand.Valid command, CancellationToken cancellationToken)
    {
        var (datasetId, ifMatch, files, records, fingerprint, storageUri, derivation, contributedAt) = command;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        IReadOnlyDictionary<Guid, Dataset> parents = derivation is null
            ? new Dictionary<Guid, Dataset>()
            : await aggregates.DatasetsAsync(derivation.Parents.Select(p => p.DatasetId).Distinct().Where(id => id != datasetId).ToList(), cancellationToken);
        var now = clock.GetUtcNow();
        var events = Decision.Decide(
            new Decision(datasetId, files, records, fingerprint, storageUri, derivation, context.ActorId, contributedAt ?? now, now), dataset, parents);
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, events,
            $"/datasets/{datasetId}/versions/{dataset.Versions.Count + 1}", cancellationToken);
    }
}
