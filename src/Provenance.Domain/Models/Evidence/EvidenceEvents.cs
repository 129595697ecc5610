namespace Provenance.Domain.Models;

/// <summary>Whose data a performance evaluation was measured on.</summary>
public enum EvaluationSource
{
    /// <summary>Data from outside the development sources (external validation).</summary>
    External,

    /// <summary>Data from the development sources (internal validation).</summary>
    Internal,
}

/// <summary>The dataset version an evaluation was measured on, with the fingerprint the evaluator saw.</summary>
public sealed record EvaluationData(Guid DatasetId, int Version, string Fingerprint)
{
    public Datasets.DatasetVersionRef ToRef() => new(DatasetId, Version);
}

/// <summary>
/// A model version's performance was evaluated. <see cref="HeldOut"/> is false only for an internal
/// evaluation on data the version trained on (recorded as such, never as held-out); <see cref="Met"/>
/// is the ledger's comparison of the value with the threshold, when one was given.
/// </summary>
public sealed record PerformanceEvaluated(
    Guid ModelId,
    Guid EvaluationId,
    string ModelVersion,
    string Metric,
    double Value,
    double? ConfidenceLow,
    double? ConfidenceHigh,
    EvaluationData Data,
    EvaluationSource Source,
    bool HeldOut,
    string Population,
    AcceptanceCriterion? Acceptance,
    bool? Met,
    string Evaluator,
    DateOnly EvaluatedOn,
    string RecordedBy,
    DateTimeOffset RecordedAt);

public enum MonitoringFindingKind
{
    PerformanceDrift,
    DataDrift,
    SafetySignal,
}

public enum FindingSeverity
{
    Low,
    Moderate,
    High,
    Critical,
}

/// <summary>Post-market monitoring found a drift or safety signal in a model version, and what was done.</summary>
public sealed record MonitoringFindingRecorded(
    Guid ModelId,
    Guid FindingId,
    string ModelVersion,
    MonitoringFindingKind Kind,
    FindingSeverity Severity,
    string Description,
    string ActionTaken,
    DateOnly ObservedOn,
    string RecordedBy,
    DateTimeOffset RecordedAt);

/// <summary>
/// The human-written facts of a model card that no event implies (CHAI Applied Model Card v0.2).
/// Optional members are null when the developer has nothing to say.
/// </summary>
public sealed record ModelCardFacts(
    string DeveloperContact,
    string ReleaseStage,
    string GlobalAvailability,
    string Summary,
    IReadOnlyList<string> Keywords,
    string IntendedUseAndWorkflow,
    string PrimaryIntendedUsers,
    string HowToUse,
    string TargetedPatientPopulation,
    string CautionedOutOfScopeSettings,
    string KnownRisksAndLimitations,
    string KnownBiasesOrEthicalConsiderations,
    string ClinicalRiskLevel,
    string OutcomesAndOutputs,
    string ModelType,
    string? FoundationModels,
    string InputAndOutputDataTypes,
    string BiasMitigationApproaches,
    string MaintenancePlan,
    string? Security,
    string FundingSource,
    string StakeholdersConsulted,
    string Publications);

/// <summary>A model version's model card facts were recorded; a later record replaces them whole.</summary>
public sealed record ModelCardFactsRecorded(Guid ModelId, string ModelVersion, ModelCardFacts Facts, string RecordedBy, DateTimeOffset RecordedAt);
