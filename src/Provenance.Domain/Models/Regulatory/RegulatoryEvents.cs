using Provenance.Domain.Datasets;

namespace Provenance.Domain.Models;

/// <summary>What the FDA regards the model as (FD&amp;C Act 201(h), 520(o)(1)(E)).</summary>
public enum RegulatoryStatusKind
{
    /// <summary>Not a device function at all (e.g. administrative or research-only use).</summary>
    NotADevice,

    /// <summary>Clinical decision support excluded from the device definition: all four 520(o)(1)(E) criteria met.</summary>
    NonDeviceCds,

    /// <summary>A device function the FDA has said it does not intend to enforce requirements on.</summary>
    EnforcementDiscretion,

    /// <summary>A device with a marketing authorization (or exempt from one).</summary>
    MarketedDevice,
}

public enum DeviceClass
{
    ClassI,
    ClassIi,
    ClassIii,
}

/// <summary>How a device reached the market: 510(k) premarket notification, De Novo, PMA, or exempt.</summary>
public enum MarketingPathway
{
    PremarketNotification,
    DeNovo,
    PremarketApproval,
    Exempt,
}

/// <summary>The EU AI Act's risk tiers (Art. 5, 6, 50).</summary>
public enum AiActRiskCategory
{
    Minimal,
    Limited,
    High,
}

/// <summary>The EU MDR's device classes (Annex VIII).</summary>
public enum MdrClass
{
    ClassI,
    ClassIia,
    ClassIib,
    ClassIii,
}

/// <summary>One of the four 520(o)(1)(E) criteria (1–4) attested, with why it is met.</summary>
public sealed record CdsCriterionAttestation(int Criterion, string Justification);

/// <summary>
/// A device's marketing authorization: the FDA's decision and the model version it covers. The
/// submission number is K + 6 digits (510(k)), DEN + 6 digits (De Novo) or P + 6 digits (PMA), and
/// null when exempt; the product code is the FDA's three letters.
/// </summary>
public sealed record DeviceAuthorization(
    DeviceClass Class, MarketingPathway Pathway, string? SubmissionNumber, string ProductCode, DateOnly DecisionDate, string IndicationsForUse,
    string AuthorizedVersion);

/// <summary>Optional EU facts: the AI Act risk category and the MDR class.</summary>
public sealed record EuRegulatoryFacts(AiActRiskCategory? AiActRiskCategory, MdrClass? MdrClass);

/// <summary>
/// The model's regulatory status was recorded, effective from a date. A later record supersedes it
/// from its own date on; none is ever edited. Exactly one of <see cref="CdsCriteria"/> (non-device
/// CDS), <see cref="Device"/> (marketed device) and <see cref="Basis"/> (the other kinds) carries the detail.
/// </summary>
public sealed record RegulatoryStatusRecorded(
    Guid ModelId,
    Guid RecordId,
    RegulatoryStatusKind Status,
    DateOnly EffectiveFrom,
    IReadOnlyList<CdsCriterionAttestation>? CdsCriteria,
    DeviceAuthorization? Device,
    string? Basis,
    EuRegulatoryFacts? Eu,
    string RecordedBy,
    DateTimeOffset RecordedAt);

/// <summary>What a predetermined change control plan lets the manufacturer change without a new submission.</summary>
public enum ModificationKind
{
    /// <summary>Retraining on new data from the sources (institutions, modalities) the authorized version used.</summary>
    RetrainingOnNewData,

    /// <summary>Adding data from the institutions listed.</summary>
    AddingInstitution,

    /// <summary>Adding data of the modalities listed.</summary>
    AddingModality,

    /// <summary>Extending to the populations listed.</summary>
    NewPopulation,

    /// <summary>A change of architecture or input features, within the intended use.</summary>
    ArchitectureChange,
}

/// <summary>
/// One modification of a PCCP's description of modifications, with its limits. With
/// <c>MinimumRecords</c> set, each new training input holds at least that many records.
/// </summary>
public sealed record PlannedModification(
    ModificationKind Kind, string Description, IReadOnlyList<string> Institutions, IReadOnlyList<Modality> Modalities,
    IReadOnlyList<string> Populations, long? MinimumRecords);

/// <summary>
/// The modification protocol's data management practices: new training data only under the IRB
/// protocols and licenses listed; test data is always sequestered from training data.
/// </summary>
public sealed record DataManagementPractices(IReadOnlyList<Guid> IrbProtocolIds, IReadOnlyList<Guid> LicenseIds, string ReferenceStandard);

public enum ThresholdDirection
{
    /// <summary>The value must be at least the threshold (AUROC, sensitivity…).</summary>
    AtLeast,

    /// <summary>The value must be at most the threshold (error rates, calibration error…).</summary>
    AtMost,
}

/// <summary>A performance acceptance criterion: a metric on a population, against a threshold.</summary>
public sealed record AcceptanceCriterion(string Metric, string Population, double Threshold, ThresholdDirection Direction)
{
    public bool IsMetBy(double value) => Direction == ThresholdDirection.AtLeast ? value >= Threshold : value <= Threshold;
}

/// <summary>A predetermined change control plan was authorized for the (device) model, in a marketing submission.</summary>
public sealed record ChangeControlPlanAuthorized(
    Guid ModelId,
    Guid PlanId,
    string SubmissionNumber,
    DateOnly AuthorizedOn,
    IReadOnlyList<PlannedModification> Modifications,
    DataManagementPractices DataManagement,
    IReadOnlyList<AcceptanceCriterion> AcceptanceCriteria,
    string RecordedBy,
    DateTimeOffset RecordedAt);

/// <summary>One reason a release lies outside the device's marketing authorization and its PCCP.</summary>
public sealed record ChangeControlFinding(string Code, string Message);

/// <summary>
/// An administrator released a device model version despite change-control findings: the findings
/// as they stood and the justification are kept, so the exception is itself on the record.
/// </summary>
public sealed record ModelReleaseOverridden(
    Guid ModelId, string ModelVersion, IReadOnlyList<ChangeControlFinding> Findings, string Justification, string OverriddenBy, DateTimeOffset OverriddenAt);
