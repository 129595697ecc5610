using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;

namespace Provenance.Domain.Models;

/// <summary>An administrator's explicit decision to record a run despite findings.</summary>
public sealed record ClearanceOverride(string Justification, string OverriddenBy, bool ByAdministrator);

/// <summary>Record training runs, release and withdraw model versions.</summary>
public static class ManageModel
{
    /// <summary>
    /// Records a training run. Every input must exist with the fingerprint the ledger holds, and be
    /// cleared for training on the day the run started; otherwise the run is refused with the
    /// findings — unless an administrator overrides, which is recorded with it.
    /// </summary>
    public static IReadOnlyList<object> RecordTrainingRun(
        Model model, TrainingRunRecorded run, ClearanceOverride? clearanceOverride, ClearanceFacts facts)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(facts);
        var violations = new List<RuleViolation>();
        if (run.FinishedAt < run.StartedAt)
        {
            violations.Add(new("finishedAt", "finished-before-started", "The run finished before it started."));
        }

        if (model.Version(run.ModelVersion) is { Status: not ModelVersionStatus.Training } existing)
        {
            violations.Add(new("modelVersion", "model-version-closed", $"Model version {run.ModelVersion} is already {Names.Of(existing.Status)}: record runs for a new version."));
        }

        if (run.Inputs.Select(i => i.ToRef()).Distinct().Count() != run.Inputs.Count)
        {
            violations.Add(new("inputs", "duplicate-input", "A dataset version is listed more than once."));
        }

        for (var i = 0; i < run.Inputs.Count; i++)
        {
            var input = run.Inputs[i];
            if (!facts.Datasets.TryGetValue(input.DatasetId, out var dataset) || dataset.Version(input.Version) is not { } version)
            {
                violations.Add(new($"inputs[{i}]", "unknown-dataset-version", $"Dataset version {input.ToRef()} does not exist."));
            }
            else if (!string.Equals(version.Fingerprint, input.Fingerprint, StringComparison.Ordinal))
            {
                violations.Add(new($"inputs[{i}].fingerprint", "fingerprint-mismatch",
                    $"{dataset.Name} v{input.Version} has fingerprint {version.Fingerprint} on the ledger, not {input.Fingerprint}."));
            }
        }

        var day = DateOnly.FromDateTime(run.StartedAt.UtcDateTime);
        if (model.RegulatoryStatusOn(day) is { Status: RegulatoryStatusKind.NonDeviceCds })
        {
            // #18: the non-device CDS claim's criterion 1 would stop being true.
            foreach (var dataset in run.Inputs.Select(i => facts.Datasets.GetValueOrDefault(i.DatasetId)).OfType<Dataset>().Distinct()
                         .Where(d => ManageRegulatory.IsImageOrSignal(d.Modality)))
            {
                violations.Add(new("inputs", "cds-criterion-1-not-met",
                    $"{model.Registration.Name} is recorded as non-device CDS, and {dataset.Name} is {Names.Of(dataset.Modality)}: training on medical images or signals fails criterion 1. Record a new regulatory status first."));
            }
        }

        RuleViolationException.ThrowIfAny(violations);

        var findings = run.Inputs
            .SelectMany(input => ClearanceRules.Evaluate(input.ToRef(), day, model.Registration.Commercial, facts).Findings)
            .Distinct()
            .ToList();
        if (findings.Count == 0)
        {
            return [run];
        }

        if (clearanceOverride is null)
        {
            throw new RuleViolationException(findings.Select(f => new RuleViolation("inputs", f.Code, f.Message)).ToList());
        }

        if (!clearanceOverride.ByAdministrator)
        {
            throw new RuleViolationException([new RuleViolation("override", "override-not-permitted", "Only an administrator may override clearance findings.")]);
        }

        // The override follows the run it concerns, in the same append.
        return
        [
            run,
            new TrainingClearanceOverridden(model.Id, run.RunId, findings, clearanceOverride.Justification,
                clearanceOverride.OverriddenBy, run.EnteredAt),
        ];
    }

    /// <summary>
    /// Releases a model version that is in training. For a marketed device (#18), the
    /// <paramref name="review"/> of the change against the authorization and its PCCP must find
    /// nothing — unless an administrator overrides, which is recorded with the findings.
    /// </summary>
    public static IReadOnlyList<object> Release(Model model, ModelVersionReleased released, ChangeControlReview review, ClearanceOverride? releaseOverride)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(released);
        ArgumentNullException.ThrowIfNull(review);
        var version = model.Version(released.ModelVersion);
        RuleViolationException.ThrowIfAny(
            version is null ? [new RuleViolation("modelVersion", "no-training-run", $"Model version {released.ModelVersion} has no training run to release.")]
            : version.Status != ModelVersionStatus.Training ? [new RuleViolation("modelVersion", "model-version-closed", $"Model version {released.ModelVersion} is already {Names.Of(version.Status)}.")]
            : []);
        if (review.Within)
        {
            return [released];
        }

        if (releaseOverride is null)
        {
            throw new RuleViolationException(review.Findings.Select(f => new RuleViolation("modelVersion", f.Code, f.Message)).ToList());
        }

        if (!releaseOverride.ByAdministrator)
        {
            throw new RuleViolationException([new RuleViolation("override", "override-not-permitted", "Only an administrator may override change-control findings.")]);
        }

        return
        [
            released,
            new ModelReleaseOverridden(model.Id, released.ModelVersion, review.Findings, releaseOverride.Justification, releaseOverride.OverriddenBy, released.ReleasedAt),
        ];
    }

    public static ModelVersionWithdrawn Withdraw(Model model, ModelVersionWithdrawn withdrawn)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(withdrawn);
        var version = model.Version(withdrawn.ModelVersion);
        RuleViolationException.ThrowIfAny(
            version is null ? [new RuleViolation("modelVersion", "unknown-model-version", $"Model {model.Id} has no version {withdrawn.ModelVersion}.")]
            : version.Status == ModelVersionStatus.Withdrawn ? [new RuleViolation("modelVersion", "already-withdrawn", $"Model version {withdrawn.ModelVersion} is already withdrawn.")]
            : []);
        return withdrawn;
    }
}
