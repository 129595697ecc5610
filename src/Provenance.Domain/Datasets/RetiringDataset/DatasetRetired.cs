using Provenance.Domain.Common;

namespace Provenance.Domain.Datasets.RetiringDataset;

/// <summary>A dataset was retired: none of its versions may be used for training from now on.</summary>
public sealed record DatasetRetired(Guid DatasetId, string Reason, string RetiredBy, DateTimeOffset RetiredAt);

public static class RetireDataset
{
    public static DatasetRetired Decide(Dataset dataset, string reason, string by, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        RuleViolationException.ThrowIfAny(dataset.Status == DatasetStatus.Retired
            ? [new RuleViolation("datasetId", "already-retired", $"Dataset {dataset.Id} is already retired.")]
            : []);
        return new DatasetRetired(dataset.Id, reason, by, at);
    }
}
