using Provenance.Domain.Common;

namespace Provenance.Domain.Datasets.QuarantiningVersion;

/// <summary>Quarantine a dataset version, or release it from quarantine.</summary>
public static class QuarantineVersion
{
    public static DatasetVersionQuarantined Quarantine(Dataset dataset, int version, string reason, string by, DateTimeOffset at)
    {
        var found = Existing(dataset, version);
        RuleViolationException.ThrowIfAny(found.Quarantined
            ? [new RuleViolation("version", "already-quarantined", $"Version {version} is already in quarantine.")]
            : []);
        return new DatasetVersionQuarantined(dataset.Id, version, reason, by, at);
    }

    public static DatasetVersionReleased Release(Dataset dataset, int version, string reason, string by, DateTimeOffset at)
    {
        var found = Existing(dataset, version);
        RuleViolationException.ThrowIfAny(!found.Quarantined
            ? [new RuleViolation("version", "not-quarantined", $"Version {version} is not in quarantine.")]
            : []);
        return new DatasetVersionReleased(dataset.Id, version, reason, by, at);
    }

    private static DatasetVersion Existing(Dataset dataset, int version)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.Version(version)
            ?? throw new RuleViolationException([new RuleViolation("version", "unknown-version", $"Dataset {dataset.Id} has no version {version}.")]);
    }
}
