using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Provenance.Domain.Common;
using Provenance.Domain.Models;

namespace Provenance.Ledger.Models.Disclosing;

/// <summary>
/// The CHAI Applied Model Card, schema v0.2 (docs/regulatory.md), of a model version. What the
/// ledger knows is derived from events — input data sources, development data, regulatory
/// approval, consent and disclosure, maintenance, key metrics —, the rest comes from the version's
/// model card facts. The <c>Bibliography</c> ends with the log positions the card rests on, in
/// the line <c>Ledger positions: …</c> that a bundle's verifier checks.
/// </summary>
internal static class ModelCard
{
    public static readonly XNamespace Ns = "https://mc.chai.org/v0.2/schema.xsd";

    /// <summary>The line of the bibliography that lists the positions the card rests on.</summary>
    public const string PositionsPrefix = "Ledger positions: ";

    private const string NotRecorded = "Not recorded on the ledger.";

    public static XDocument Build(ModelDossier d, Disclosure disclosure)
    {
        var (model, version) = (d.Model, d.Version);
        var facts = version.CardFacts?.Facts;
        var status = model.RegulatoryStatusOn(d.Day);
        var citations = disclosure.Citations.Concat(d.Cite(version.CardFacts)).Distinct().Order().ToList();
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(Ns + "AppliedModelCard",
                E("BasicInfo", E("ModelName", model.Registration.Name), E("ModelDeveloper", model.Registration.Owner), E("DeveloperContact", facts?.DeveloperContact ?? NotRecorded)),
                E("ReleaseInfo",
                    E("ReleaseStage", facts?.ReleaseStage ?? Names.Of(version.Status)),
                    E("ReleaseDate", version.Release is { } r ? DisclosureBuilder.Day(r.ReleasedAt) : "Not released"),
                    E("ReleaseVersion", version.Version),
                    E("GlobalAvailability", facts?.GlobalAvailability ?? NotRecorded),
                    E("RegulatoryApproval", status is null ? "No regulatory status is recorded." : DisclosureBuilder.StatusText(status))),
                E("ModelSummary", E("Summary", facts?.Summary ?? model.Registration.IntendedUse),
                    new XElement(Ns + "Keywords", (facts?.Keywords ?? []).Select(k => E("Keyword", k)))),
                E("UsesAndDirections",
                    E("IntendedUseAndWorkflow", facts?.IntendedUseAndWorkflow ?? model.Registration.IntendedUse),
                    E("PrimaryIntendedUsers", facts?.PrimaryIntendedUsers ?? NotRecorded),
                    E("HowToUse", facts?.HowToUse ?? NotRecorded),
                    E("TargetedPatientPopulation", facts?.TargetedPatientPopulation ?? NotRecorded),
                    E("CautionedOutOfScopeSettings", facts?.CautionedOutOfScopeSettings ?? NotRecorded)),
                E("Warnings",
                    E("KnownRisksAndLimitations", facts?.KnownRisksAndLimitations ?? NotRecorded),
                    E("KnownBiasesOrEthicalConsiderations", facts?.KnownBiasesOrEthicalConsiderations ?? NotRecorded),
                    E("ClinicalRiskLevel", facts?.ClinicalRiskLevel ?? NotRecorded)),
                E("TrustIngredients",
                    new XElement(Ns + "AISystemFacts",
                        E("OutcomesAndOutputs", facts?.OutcomesAndOutputs ?? NotRecorded),
                        E("ModelType", facts?.ModelType ?? NotRecorded),
                        facts?.FoundationModels is { } foundation ? E("FoundationModels", foundation) : null,
                        E("InputDataSource", Join(disclosure, "training-data-governance", "deidentification-methodology")),
                        E("OutputAndInputDataTypes", facts?.InputAndOutputDataTypes ?? NotRecorded),
                        E("DevelopmentDataCharacterization", Characterization(d)),
                        E("BiasMitigationApproaches", facts?.BiasMitigationApproaches ?? NotRecorded),
                        E("OngoingMaintenance", (facts is null ? "" : facts.MaintenancePlan + " ") + Join(disclosure, "change-control", "monitoring-findings")),
                        facts?.Security is { } security ? E("Security", security) : null,
                        E("Transparency", "Every fact derived here is an event in a signed, append-only provenance ledger; its audit bundle proves each cited event against the signed log.")),
                    E("TransparencyInformation",
                        E("FundingSource", facts?.FundingSource ?? NotRecorded),
                        E("ThirdPartyInformation", Join(disclosure, "license-and-baa-scope")),
                        E("StakeholdersConsulted", facts?.StakeholdersConsulted ?? NotRecorded))),
                E("KeyMetrics",
                    Metric("UsefulnessUsabilityEfficacy", "Measure the model's performance on held-out data against its acceptance criteria.",
                        version.Evaluations.Where(e => e.HeldOut), "held-out evaluations"),
                    Metric("FairnessEquity", "Measure performance on each population and subgroup evaluated.",
                        version.Evaluations.GroupBy(e => e.Population).Count() > 1 ? version.Evaluations : [], "evaluations on more than one population"),
                    Metric("SafetyReliability", "Track post-market findings and evaluations that missed their threshold.",
                        version.Evaluations.Where(e => e.Met == false), "evaluations that missed their threshold",
                        version.MonitoringFindings.Count)),
                E("Resources",
                    E("EvaluationReferences", version.Evaluations.Count == 0 ? "None recorded." : string.Join(" ", version.Evaluations.Select(e => $"{e.Evaluator}, {DisclosureBuilder.Day(e.EvaluatedOn)}."))),
                    E("PeerReviewedPublications", facts?.Publications ?? NotRecorded),
                    E("PatientConsentOrDisclosure", Join(disclosure, "irb-approvals-and-consent", "consent-withdrawals"))),
                E("Bibliography", $"Provenance ledger at position {d.Position}; procurement disclosure {Disclosure.FormatName}. {PositionsPrefix}{string.Join(", ", citations)}")));
    }

    private static XElement Metric(string name, string goal, IEnumerable<PerformanceEvaluated> evaluations, string what, int? findings = null)
    {
        var list = evaluations.ToList();
        var results = list.Select(e => E("MetricResult", E("Label", $"{e.Metric} ({e.Population})"), E("ValueJson", ValueJson(e)))).ToList();
        if (findings is { } count)
        {
            results.Add(E("MetricResult", E("Label", "Post-market monitoring findings"), E("ValueJson", JsonSerializer.Serialize(new { kind = "single", value = count }))));
        }

        if (results.Count == 0)
        {
            results.Add(E("MetricResult", E("Label", $"No {what} recorded"), E("ValueJson", JsonSerializer.Serialize(new { kind = "single", value = 0 }))));
        }

        return E(name,
            E("MetricGoal", goal),
            new XElement(Ns + "Results", results),
            E("Interpretation", list.Count == 0 ? $"No {what} are recorded on the ledger." :
                string.Join(" ", list.Select(e => e.Met is { } met ? $"{e.Metric} on {e.Population}: threshold {(met ? "met" : "not met")}." : $"{e.Metric} on {e.Population}: no threshold stated."))),
            E("TestType", list.Count == 0 ? NotRecorded : string.Join("; ", list.Select(e => $"{Names.Of(e.Source)}, {(e.HeldOut ? "held-out" : "not held-out")}").Distinct())),
            E("TestingDataDescription", list.Count == 0 ? NotRecorded : string.Join(" ", list.Select(e => $"Dataset {e.Data.DatasetId} v{e.Data.Version} ({e.Data.Fingerprint}).").Distinct())),
            E("ValidationProcessAndJustification", list.Count == 0 ? NotRecorded :
                "Each evaluation names the dataset version and fingerprint it was measured on; the ledger refuses a held-out evaluation on data the version trained on."));
    }

    private static string ValueJson(PerformanceEvaluated e) => e.ConfidenceLow is { } low && e.ConfidenceHigh is { } high
        ? JsonSerializer.Serialize(new { kind = "estimate_ci", estimate = e.Value, lower = low, upper = high })
        : JsonSerializer.Serialize(new { kind = "single", value = e.Value });

    private static string Characterization(ModelDossier d)
    {
        var inputs = d.Version.TrainingInputs.ToList();
        var versions = inputs.Select(i => (Dataset: d.Facts.Datasets.GetValueOrDefault(i.DatasetId), i.Version)).Where(x => x.Dataset is not null).ToList();
        if (versions.Count == 0)
        {
            return "No training input is recorded.";
        }

        var records = versions.Sum(x => x.Dataset!.Version(x.Version)?.RecordCount ?? 0);
        var datasets = versions.Select(x => x.Dataset!).DistinctBy(x => x.Id).ToList();
        return $"{inputs.Count} dataset version(s) from {datasets.Count} dataset(s) and {datasets.Select(x => x.SourceInstitution).Distinct().Count()} institution(s): " +
               $"{records.ToString("N0", CultureInfo.InvariantCulture)} records in the versions used; {datasets.Sum(x => x.PatientCount).ToString("N0", CultureInfo.InvariantCulture)} patients as registered; " +
               $"collected {DisclosureBuilder.Day(datasets.Min(x => x.CollectionStart))} to {DisclosureBuilder.Day(datasets.Max(x => x.CollectionEnd))}; modalities: " +
               string.Join(", ", datasets.Select(x => Names.Of(x.Modality)).Distinct()) + ". " +
               string.Join(" ", versions.Select(x => $"{x.Dataset!.Name} v{x.Version}: {x.Dataset.Version(x.Version)?.RecordCount.ToString("N0", CultureInfo.InvariantCulture)} records, {Names.Of(x.Dataset.Modality)}, {x.Dataset.SourceInstitution}."));
    }

    private static string Join(Disclosure disclosure, params string[] sections) =>
        string.Join(" ", disclosure.Sections.Where(s => sections.Contains(s.Id)).SelectMany(s => s.Answers).Select(a => a.Text));

    private static XElement E(string name, params object?[] content) => new(Ns + name, content);
}
