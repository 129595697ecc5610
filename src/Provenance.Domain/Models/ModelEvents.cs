using Provenance.Domain.Clearance;
using Provenance.Domain.Datasets;

namespace Provenance.Domain.Models;

/// <summary>A model was registered: who owns it, what it is for, and whether it is commercial.</summary>
public sealed record ModelRegistered(
    Guid ModelId, string Name, string Owner, string IntendedUse, bool Commercial, string RegisteredBy, DateTimeOffset RegisteredAt);

/// <summary>A dataset version a training run used, with the fingerprint the trainer saw.</summary>
public sealed record TrainingInput(Guid DatasetId, int Version, string Fingerprint)
{
    public DatasetVersionRef ToRef() => new(DatasetId, Version);
}

/// <summary>A training run for a model version was recorded.</summary>
public sealed record TrainingRunRecorded(
    Guid ModelId,
    Guid RunId,
    string ModelVersion,
    IReadOnlyList<TrainingInput> Inputs,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string CodeReference,
    string Notes,
    string EnteredBy,
    DateTimeOffset EnteredAt);

/// <summary>
/// An administrator recorded a training run despite clearance findings. The findings as they stood
/// (each with the dataset version it concerns and its code) and the justification are kept, so the exception is itself on the record.
/// </summary>
public sealed record TrainingClearanceOverridden(
    Guid ModelId, Guid RunId, IReadOnlyList<ClearanceFinding> Findings, string Justification, string OverriddenBy, DateTimeOffset OverriddenAt);

/// <summary>A model version was released for use.</summary>
public sealed record ModelVersionReleased(Guid ModelId, string ModelVersion, string Notes, string ReleasedBy, DateTimeOffset ReleasedAt);

/// <summary>A model version was withdrawn from use.</summary>
public sealed record ModelVersionWithdrawn(Guid ModelId, string ModelVersion, string Reason, string WithdrawnBy, DateTimeOffset WithdrawnAt);
