namespace Provenance.Domain.Deidentification;

/// <summary>
/// A de-identification decision was made on a dataset version. Exactly one of the detail blocks,
/// the one matching <see cref="Method"/>, is present.
/// </summary>
public sealed record DeidentificationDecided(
    Guid DatasetId,
    int Version,
    Guid DecisionId,
    DeidentificationMethod Method,
    SafeHarborDetails? SafeHarbor,
    ExpertDeterminationDetails? ExpertDetermination,
    LimitedDataSetDetails? LimitedDataSet,
    NotPhiDetails? NotPhi,
    DecisionOutcome Outcome,
    string DecidedBy,
    DateTimeOffset DecidedAt);

/// <summary>A de-identification decision was rescinded; it no longer clears its version from <see cref="RescindedAt"/>.</summary>
public sealed record DeidentificationRescinded(Guid DatasetId, Guid DecisionId, string Reason, string RescindedBy, DateTimeOffset RescindedAt);
