using Provenance.Domain.Common;

namespace Provenance.Domain.Datasets.ContributingVersion;

/// <summary>How a version was derived, when it was.</summary>
public sealed record Derivation(IReadOnlyList<DatasetVersionRef> Parents, TransformationKind Transformation, string Description, string CodeReference);

/// <summary>Contribute the next version of a dataset, optionally derived from parent versions.</summary>
public sealed record ContributeVersion(
    Guid DatasetId,
    IReadOnlyList<ManifestFile> Files,
    long RecordCount,
    string Fingerprint,
    string StorageUri,
    Derivation? DerivedFrom,
    string ContributedBy,
    DateTimeOffset ContributedAt,
    DateTimeOffset RecordedAt)
{
    /// <summary>
    /// Decides the events. <paramref name="parents"/> holds the current state of every parent
    /// dataset named in the derivation (missing ones are absent).
    /// </summary>
    public static IReadOnlyList<object> Decide(ContributeVersion command, Dataset dataset, IReadOnlyDictionary<Guid, Dataset> parents)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(parents);
        var violations = new List<RuleViolation>();
        if (dataset.Status == DatasetStatus.Retired)
        {
            violations.Add(new("datasetId", "dataset-retired", $"Dataset {dataset.Id} is retired: it takes no new versions."));
        }

        if (command.ContributedAt > command.RecordedAt)
        {
            violations.Add(new("contributedAt", "contributed-in-future", "A version cannot be contributed later than it is recorded."));
        }

        foreach (var (file, index) in command.Files.Select((f, i) => (f, i)).Where(x => !Manifest.IsValidPath(x.f.Path)))
        {
            violations.Add(new($"files[{index}].path", "invalid-path", "A manifest path is not empty and holds no control characters."));
        }

        if (command.DerivedFrom is { Parents.Count: 0 })
        {
            violations.Add(new("derivedFrom.parents", "no-parents", "A derivation names at least one parent version."));
        }

        var duplicatePath = command.Files.GroupBy(f => f.Path, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicatePath is not null)
        {
            violations.Add(new("files", "duplicate-path", $"The manifest lists '{duplicatePath.Key}' more than once."));
        }

        var expected = Manifest.Fingerprint(command.Files);
        if (!string.Equals(expected, command.Fingerprint, StringComparison.Ordinal))
        {
            violations.Add(new("fingerprint", "fingerprint-mismatch",
                $"The fingerprint does not match the manifest: the canonical manifest hashes to {expected}."));
        }

        var version = dataset.Versions.Count + 1;
        if (command.DerivedFrom is { } derivation)
        {
            for (var i = 0; i < derivation.Parents.Count; i++)
            {
                var parent = derivation.Parents[i];
                var field = $"derivedFrom.parents[{i}]";
                if (parent.DatasetId == dataset.Id && parent.Version >= version)
                {
                    violations.Add(new(field, "derivation-cycle",
                        $"Version {version} of dataset {dataset.Id} cannot derive from itself or a later version of its own."));
                }
                else if (parent.DatasetId == dataset.Id ? dataset.Version(parent.Version) is null
                         : !parents.TryGetValue(parent.DatasetId, out var parentDataset) || parentDataset.Version(parent.Version) is null)
                {
                    violations.Add(new(field, "unknown-parent", $"Dataset version {parent} does not exist."));
                }
            }

            if (derivation.Parents.Distinct().Count() != derivation.Parents.Count)
            {
                violations.Add(new("derivedFrom.parents", "duplicate-parent", "A parent version is listed more than once."));
            }
        }

        RuleViolationException.ThrowIfAny(violations);
        var contributed = new DatasetVersionContributed(
            command.DatasetId, version, command.Files, command.RecordCount, command.Fingerprint, command.StorageUri,
            command.ContributedBy, command.ContributedAt);
        return command.DerivedFrom is { } d
            ? [contributed, new DatasetVersionDerived(command.DatasetId, version, d.Parents, d.Transformation, d.Description, d.CodeReference, command.ContributedBy, command.ContributedAt)]
            : [contributed];
    }
}
