using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;

namespace Provenance.Domain.Models;

/// <summary>
/// Where a model version stands against the device's marketing authorization and its PCCP.
/// <see cref="Applies"/> is false for a model that is not a marketed device on the day.
/// </summary>
public sealed record ChangeControlReview(bool Applies, string Basis, Guid? PlanId, IReadOnlyList<ChangeControlFinding> Findings)
{
    public bool Within => Findings.Count == 0;

    /// <summary>The review of a model that is not a marketed device: nothing to check.</summary>
    public static ChangeControlReview NotADevice { get; } = new(false, "not a marketed device on the day of release", null, []);
}

/// <summary>
/// The change-control rule for releasing a version of a marketed device (#18, FDA's PCCP guidance,
/// Dec 2024): the version is the one the marketing authorization covers, or every change since
/// that version lies within an authorized PCCP — its new training inputs come only from the
/// institutions and modalities the plan allows, in the amounts it sets, each cleared for training
/// on its run's start day under the plan's listed IRB protocols and licenses; no training input was
/// ever the model's test data; the declared modifications are ones the plan describes; and the
/// version's held-out evaluations meet every acceptance criterion.
/// </summary>
public static class ChangeControl
{
    /// <param name="model">The model, with its status records, plans, versions and evaluations.</param>
    /// <param name="version">The version to release.</param>
    /// <param name="day">The day of the release.</param>
    /// <param name="facts">The clearance facts of the version's and the authorized version's inputs.</param>
    /// <param name="declared">Modifications the release declares that the ledger can't see in its data (architecture, population).</param>
    public static ChangeControlReview Review(Model model, string version, DateOnly day, ClearanceFacts facts, IReadOnlyCollection<ModificationKind> declared)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(declared);
        if (model.RegulatoryStatusOn(day) is not { Status: RegulatoryStatusKind.MarketedDevice, Device: { } device })
        {
            return ChangeControlReview.NotADevice;
        }

        var authorization = Authorization(device);
        if (device.AuthorizedVersion == version)
        {
            return new ChangeControlReview(true, $"the version {authorization} covers", null, []);
        }

        var plan = model.PlansOn(day).LastOrDefault();
        if (plan is null)
        {
            return new ChangeControlReview(true, $"outside {authorization}, which covers version {device.AuthorizedVersion}", null,
            [
                new("pccp-missing", $"{model.Registration.Name} is a marketed device ({authorization}, version {device.AuthorizedVersion}); " +
                                    $"version {version} needs a new marketing submission or an authorized predetermined change control plan, and none is recorded."),
            ]);
        }

        var findings = new List<ChangeControlFinding>();
        var candidate = model.Version(version);
        var baseInputs = model.Version(device.AuthorizedVersion)?.TrainingInputs.ToHashSet() ?? [];
        DataChanges(model, candidate, plan, baseInputs, facts, findings);
        Sequestration(model, candidate, findings);
        foreach (var kind in declared.Where(k => !plan.Modifications.Any(m => m.Kind == k)).Distinct())
        {
            findings.Add(new("pccp-modification-not-described",
                $"The release declares a {Names.Of(kind)} modification, which the plan of {plan.SubmissionNumber} does not describe."));
        }

        Acceptance(candidate, plan, findings);
        return new ChangeControlReview(true, $"the predetermined change control plan authorized in {plan.SubmissionNumber} on {Day(plan.AuthorizedOn)}",
            plan.PlanId, findings);
    }

    /// <summary>The authorization in words: "510(k) K123456".</summary>
    public static string Authorization(DeviceAuthorization device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var pathway = device.Pathway switch
        {
            MarketingPathway.PremarketNotification => "510(k)",
            MarketingPathway.DeNovo => "De Novo",
            MarketingPathway.PremarketApproval => "PMA",
            _ => "510(k)-exempt classification",
        };
        return device.SubmissionNumber is { } number ? $"{pathway} {number}" : $"the {pathway} (product code {device.ProductCode})";
    }

    private static void DataChanges(
        Model model, ModelVersion? candidate, ChangeControlPlanAuthorized plan, HashSet<DatasetVersionRef> baseInputs, ClearanceFacts facts, List<ChangeControlFinding> findings)
    {
        var baseDatasets = baseInputs.Select(i => facts.Datasets.GetValueOrDefault(i.DatasetId)).OfType<Dataset>().ToList();
        var retraining = plan.Modifications.Any(m => m.Kind == ModificationKind.RetrainingOnNewData);
        var institutions = (retraining ? baseDatasets.Select(d => d.SourceInstitution) : [])
            .Concat(plan.Modifications.Where(m => m.Kind == ModificationKind.AddingInstitution).SelectMany(m => m.Institutions))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var modalities = (retraining ? baseDatasets.Select(d => d.Modality) : [])
            .Concat(plan.Modifications.Where(m => m.Kind == ModificationKind.AddingModality).SelectMany(m => m.Modalities))
            .ToHashSet();
        var minimum = plan.Modifications.Where(m => m.Kind is ModificationKind.RetrainingOnNewData or ModificationKind.AddingInstitution or ModificationKind.AddingModality)
            .Max(m => m.MinimumRecords);

        foreach (var run in candidate?.Runs ?? [])
        {
            var day = DateOnly.FromDateTime(run.Recorded.StartedAt.UtcDateTime);
            foreach (var input in run.Recorded.Inputs.Select(i => i.ToRef()).Where(i => !baseInputs.Contains(i)))
            {
                if (!facts.Datasets.TryGetValue(input.DatasetId, out var dataset) || dataset.Version(input.Version) is not { } datasetVersion)
                {
                    findings.Add(new("pccp-input-unknown", $"Training input {input} is not on the ledger."));
                    continue;
                }

                var name = $"{dataset.Name} v{input.Version}";
                if (!institutions.Contains(dataset.SourceInstitution))
                {
                    findings.Add(new("pccp-institution-not-allowed",
                        $"{name} comes from {dataset.SourceInstitution}, which the plan of {plan.SubmissionNumber} does not allow (allowed: {List(institutions)})."));
                }

                if (!modalities.Contains(dataset.Modality))
                {
                    findings.Add(new("pccp-modality-not-allowed",
                        $"{name} is {Names.Of(dataset.Modality)}, a modality the plan of {plan.SubmissionNumber} does not allow (allowed: {List(modalities.Select(Names.Of))})."));
                }

                if (minimum is { } least && datasetVersion.RecordCount < least)
                {
                    findings.Add(new("pccp-too-few-records", $"{name} holds {datasetVersion.RecordCount:N0} records; the plan sets a minimum of {least:N0} for new training data."));
                }

                foreach (var finding in ClearanceRules.Evaluate(input, day, model.Registration.Commercial, facts).Findings)
                {
                    findings.Add(new("pccp-input-not-cleared", $"{name} was not cleared for training on {Day(day)}: {finding.Message}"));
                }

                if (!UnderListedProtocol(dataset, day, plan, facts))
                {
                    findings.Add(new("pccp-protocol-not-listed",
                        $"No IRB protocol the plan lists covered {dataset.Name} for model training on {Day(day)}."));
                }

                if (!UnderListedLicense(dataset, day, plan))
                {
                    findings.Add(new("pccp-license-not-listed",
                        $"No license the plan lists permitted model training on {dataset.Name} on {Day(day)}."));
                }
            }
        }
    }

    private static bool UnderListedProtocol(Dataset dataset, DateOnly day, ChangeControlPlanAuthorized plan, ClearanceFacts facts) =>
        facts.ProtocolsEverCovering(dataset.Id).Any(p =>
            plan.DataManagement.IrbProtocolIds.Contains(p.Id) &&
            p.TermsOn(day) is { } terms && terms.CoveredDatasetIds.Contains(dataset.Id) && terms.PermittedUses.Contains(PermittedUse.ModelTraining) &&
            (terms.ExpiresOn is null || terms.ExpiresOn >= day) &&
            p.StatusOn(day) is { Status: Irb.IrbStatus.Active });

    private static bool UnderListedLicense(Dataset dataset, DateOnly day, ChangeControlPlanAuthorized plan) =>
        dataset.Licenses.Any(l =>
            plan.DataManagement.LicenseIds.Contains(l.Granted.LicenseId) &&
            l.TermsOn(day) is { } terms && terms.Terms.PermittedUses.Contains(PermittedUse.ModelTraining) &&
            (terms.Terms.ExpiresOn is null || terms.Terms.ExpiresOn >= day) &&
            (l.Terminated is null || l.Terminated.EffectiveOn > day));

    // Test data is sequestered from training data: no dataset version any version of the model was evaluated on may be a training input.
    private static void Sequestration(Model model, ModelVersion? candidate, List<ChangeControlFinding> findings)
    {
        var testData = model.Versions.SelectMany(v => v.Evaluations).ToLookup(e => e.Data.ToRef());
        foreach (var input in candidate?.TrainingInputs ?? [])
        {
            if (testData[input].FirstOrDefault() is { } evaluation)
            {
                findings.Add(new("pccp-test-data-in-training",
                    $"Training input {input} was test data for version {evaluation.ModelVersion} ({evaluation.Metric} on {Day(evaluation.EvaluatedOn)}): test data must stay sequestered from training data."));
            }
        }
    }

    private static void Acceptance(ModelVersion? candidate, ChangeControlPlanAuthorized plan, List<ChangeControlFinding> findings)
    {
        foreach (var criterion in plan.AcceptanceCriteria)
        {
            var evaluations = (candidate?.Evaluations ?? [])
                .Where(e => e.HeldOut && string.Equals(e.Metric, criterion.Metric, StringComparison.OrdinalIgnoreCase) &&
                            string.Equals(e.Population, criterion.Population, StringComparison.OrdinalIgnoreCase))
                .ToList();
            var wanted = $"{criterion.Metric} {(criterion.Direction == ThresholdDirection.AtLeast ? "≥" : "≤")} {criterion.Threshold} on {criterion.Population}";
            if (evaluations.Count == 0)
            {
                findings.Add(new("pccp-criterion-not-evaluated", $"No held-out evaluation of {candidate?.Version} measures {criterion.Metric} on {criterion.Population} (the plan requires {wanted})."));
            }
            else if (evaluations.FirstOrDefault(e => !criterion.IsMetBy(e.Value)) is { } failed)
            {
                findings.Add(new("pccp-criterion-not-met", $"{criterion.Metric} on {criterion.Population} was {failed.Value} ({failed.EvaluatedOn:yyyy-MM-dd}); the plan requires {wanted}."));
            }
        }
    }

    private static string List(IEnumerable<string> items)
    {
        var list = items.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
