namespace Provenance.Domain.Datasets.ContributingVersion;

/// <summary>A steward contributed a new version of a dataset: its files (sizes and hashes, never contents) and fingerprint.</summary>
public sealed record DatasetVersionContributed(
    Guid DatasetId,
    int Version,
    IReadOnlyList<ManifestFile> Files,
    long RecordCount,
    string Fingerprint,
    string StorageUri,
    string ContributedBy,
    DateTimeOffset ContributedAt);

/// <summary>How a derived dataset version was made from its parents.</summary>
public enum TransformationKind
{
    Filter,
    Merge,
    Deidentification,
    Labeling,
    Augmentation,
    Tokenization,
}

/// <summary>A dataset version was derived from one or more parent dataset versions.</summary>
public sealed record DatasetVersionDerived(
    Guid DatasetId,
    int Version,
    IReadOnlyList<DatasetVersionRef> Parents,
    TransformationKind Transformation,
    string Description,
    string CodeReference,
    string DerivedBy,
    DateTimeOffset DerivedAt);
