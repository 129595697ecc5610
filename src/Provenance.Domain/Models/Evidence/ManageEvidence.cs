using Provenance.Domain.Common;
using Provenance.Domain.Datasets;

namespace Provenance.Domain.Models;

/// <summary>Record a model version's evidence: performance evaluations, monitoring findings, model card facts (#18).</summary>
public static class ManageEvidence
{
    /// <summary>
    /// Records an evaluation of a version that has a training run, on a dataset version the ledger
    /// holds with that fingerprint. Data the version trained on is not held-out: such an
    /// evaluation is refused, unless it is recorded as internal and not held-out. The ledger
    /// decides <see cref="PerformanceEvaluated.Met"/> from the value and the threshold.
    /// </summary>
    public static PerformanceEvaluated Evaluate(Model model, PerformanceEvaluated evaluation, Dataset? testDataset)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(evaluation);
        var violations = new List<RuleViolation>();
        var version = model.Version(evaluation.ModelVersion);
        if (version is null)
        {
            violations.Add(new("modelVersion", "unknown-model-version", $"Model {model.Registration.Name} has no version {evaluation.ModelVersion} with a training run."));
        }

        var data = evaluation.Data;
        if (testDataset?.Version(data.Version) is not { } tested)
        {
            violations.Add(new("data", "unknown-dataset-version", $"Dataset version {data.ToRef()} does not exist."));
        }
        else if (!string.Equals(tested.Fingerprint, data.Fingerprint, StringComparison.Ordinal))
        {
            violations.Add(new("data.fingerprint", "fingerprint-mismatch",
                $"{testDataset.Name} v{data.Version} has fingerprint {tested.Fingerprint} on the ledger, not {data.Fingerprint}."));
        }
        else if (version is not null && version.TrainingInputs.Contains(data.ToRef()))
        {
            if (evaluation.HeldOut)
            {
                violations.Add(new("data", "not-held-out",
                    $"Version {version.Version} trained on {testDataset.Name} v{data.Version}: an evaluation on it is not held-out. Record it as internal with heldOut false, if at all."));
            }
            else if (evaluation.Source == EvaluationSource.External)
            {
                violations.Add(new("source", "external-not-held-out", "An external evaluation is on data from outside development; data the version trained on is internal."));
            }
        }
        else if (!evaluation.HeldOut)
        {
            violations.Add(new("heldOut", "held-out-denied", $"Version {evaluation.ModelVersion} did not train on {testDataset.Name} v{data.Version}: the evaluation is held-out."));
        }

        if (evaluation.ConfidenceLow is { } low && evaluation.ConfidenceHigh is { } high && !(low <= evaluation.Value && evaluation.Value <= high))
        {
            violations.Add(new("value", "value-outside-interval", $"The value {evaluation.Value} lies outside its confidence interval [{low}, {high}]."));
        }

        RuleViolationException.ThrowIfAny(violations);
        return evaluation with { Met = evaluation.Acceptance?.IsMetBy(evaluation.Value) };
    }

    /// <summary>
    /// Records a monitoring finding on a version that has been released. The day observed is not
    /// checked against the release's recording: a version may have been in use before its release reached the ledger.
    /// </summary>
    public static MonitoringFindingRecorded RecordFinding(Model model, MonitoringFindingRecorded finding)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(finding);
        RuleViolationException.ThrowIfAny(model.Version(finding.ModelVersion) switch
        {
            null => [new RuleViolation("modelVersion", "unknown-model-version", $"Model {model.Registration.Name} has no version {finding.ModelVersion}.")],
            { Release: null } => [new RuleViolation("modelVersion", "not-released", $"Version {finding.ModelVersion} was never released: post-market monitoring follows a release.")],
            _ => [],
        });
        return finding;
    }

    /// <summary>Records model card facts for a version that has a training run.</summary>
    public static ModelCardFactsRecorded RecordCardFacts(Model model, ModelCardFactsRecorded facts)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(facts);
        RuleViolationException.ThrowIfAny(model.Version(facts.ModelVersion) is null
            ? [new RuleViolation("modelVersion", "unknown-model-version", $"Model {model.Registration.Name} has no version {facts.ModelVersion} with a training run.")]
            : []);
        return facts;
    }
}
