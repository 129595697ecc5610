using Provenance.Domain.Common;
using Provenance.Domain.Datasets;

namespace Provenance.Domain.Models;

/// <summary>Record a model's regulatory status and authorize its predetermined change control plans (#18).</summary>
public static class ManageRegulatory
{
    /// <summary>The 520(o)(1)(E) criteria, as the FDA's CDS guidance words them.</summary>
    public static IReadOnlyList<string> CdsCriteria { get; } =
    [
        "it does not acquire, process or analyze a medical image, a signal from an in vitro diagnostic device, or a pattern or signal from a signal acquisition system",
        "it displays, analyzes or prints medical information about a patient or other medical information",
        "it supports or provides recommendations to a health care professional about prevention, diagnosis or treatment",
        "the professional can independently review the basis of the recommendation, so as not to rely primarily on it",
    ];

    /// <summary>Modalities that are a medical image or a physiological signal: a model trained on them fails criterion 1.</summary>
    public static bool IsImageOrSignal(Modality modality) =>
        modality is Modality.ImagingCt or Modality.ImagingMri or Modality.ImagingXray or Modality.PathologySlides or Modality.EcgWaveforms;

    /// <summary>
    /// Records a status. A non-device CDS claim needs all four criteria attested, and criterion 1
    /// can't be claimed for a model whose training data (<paramref name="trainingDatasets"/>, the
    /// datasets of every run so far) is imaging or waveforms. A device record takes effect no
    /// earlier than the FDA's decision.
    /// </summary>
    public static RegulatoryStatusRecorded RecordStatus(Model model, RegulatoryStatusRecorded record, IReadOnlyDictionary<Guid, Dataset> trainingDatasets)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(trainingDatasets);
        var violations = new List<RuleViolation>();
        if (record.Status == RegulatoryStatusKind.NonDeviceCds)
        {
            var attested = (record.CdsCriteria ?? []).Select(c => c.Criterion).ToHashSet();
            for (var criterion = 1; criterion <= 4; criterion++)
            {
                if (!attested.Contains(criterion))
                {
                    violations.Add(new("cdsCriteria", "cds-criterion-missing",
                        $"Criterion {criterion} of FD&C Act 520(o)(1)(E) is not attested ({CdsCriteria[criterion - 1]}); a non-device CDS claim needs all four."));
                }
            }

            foreach (var (name, modality) in ImageOrSignalSources(model, trainingDatasets))
            {
                violations.Add(new("cdsCriteria", "cds-criterion-1-not-met",
                    $"{model.Registration.Name} was trained on {name} ({Names.Of(modality)}): a model that analyzes medical images or signals fails criterion 1, so it can't be non-device CDS."));
            }
        }

        if (record.Device is { } device && record.EffectiveFrom < device.DecisionDate)
        {
            violations.Add(new("effectiveFrom", "effective-before-decision",
                $"The status can't take effect on {record.EffectiveFrom:yyyy-MM-dd}, before the FDA's decision of {device.DecisionDate:yyyy-MM-dd}."));
        }

        RuleViolationException.ThrowIfAny(violations);
        return record;
    }

    /// <summary>
    /// Authorizes a PCCP: only for a model recorded as a marketed device on the day, in a submission
    /// that one of its device records names.
    /// </summary>
    public static ChangeControlPlanAuthorized AuthorizePlan(Model model, ChangeControlPlanAuthorized plan)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        var violations = new List<RuleViolation>();
        if (model.RegulatoryStatusOn(plan.AuthorizedOn) is not { Status: RegulatoryStatusKind.MarketedDevice })
        {
            violations.Add(new("authorizedOn", "pccp-not-a-device",
                $"A predetermined change control plan is authorized for a marketed device; {model.Registration.Name} was not recorded as one on {plan.AuthorizedOn:yyyy-MM-dd}."));
        }

        if (!model.RegulatoryRecords.Any(r => r.Device?.SubmissionNumber == plan.SubmissionNumber))
        {
            violations.Add(new("submissionNumber", "pccp-unknown-submission",
                $"No device record of {model.Registration.Name} names submission {plan.SubmissionNumber}; record the authorization first."));
        }

        RuleViolationException.ThrowIfAny(violations);
        return plan;
    }

    /// <summary>The training datasets of every run of <paramref name="model"/> that are images or signals.</summary>
    internal static IEnumerable<(string Name, Modality Modality)> ImageOrSignalSources(Model model, IReadOnlyDictionary<Guid, Dataset> datasets) =>
        model.Versions.SelectMany(v => v.TrainingInputs).Select(i => i.DatasetId).Distinct()
            .Select(id => datasets.GetValueOrDefault(id)).OfType<Dataset>()
            .Where(d => IsImageOrSignal(d.Modality))
            .Select(d => (d.Name, d.Modality));
}
