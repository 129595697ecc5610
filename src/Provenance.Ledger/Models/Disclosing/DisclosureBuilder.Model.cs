using System.Globalization;
using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Licenses;
using Provenance.Domain.Models;

namespace Provenance.Ledger.Models.Disclosing;

/// <summary>The disclosure's answers about the model itself: status, change control, clearance of its inputs, performance, monitoring.</summary>
internal static partial class DisclosureBuilder
{
    private static List<DisclosureStatement> Status(ModelDossier d)
    {
        var answers = d.Model.RegulatoryRecords.Select(r => new DisclosureStatement(StatusText(r), d.Cite(r))).ToList();
        var current = d.Model.RegulatoryStatusOn(d.Day);
        answers.Insert(0, current is null
            ? new DisclosureStatement($"No regulatory status is recorded as in effect on {Day(d.Day)}.", [])
            : new DisclosureStatement($"In effect on {Day(d.Day)}: {StatusText(current)}", d.Cite(current)));
        return answers;
    }

    internal static string StatusText(RegulatoryStatusRecorded r)
    {
        var text = r.Status switch
        {
            RegulatoryStatusKind.MarketedDevice when r.Device is { } device =>
                $"a marketed device, {Names.Of(device.Class)}, by {ChangeControl.Authorization(device)}, product code {device.ProductCode}, decided {Day(device.DecisionDate)}, " +
                $"for version {device.AuthorizedVersion}; indications for use: {device.IndicationsForUse}",
            RegulatoryStatusKind.NonDeviceCds =>
                "non-device clinical decision support under FD&C Act 520(o)(1)(E), all four criteria attested: " +
                string.Join(" ", (r.CdsCriteria ?? []).OrderBy(c => c.Criterion).Select(c => $"({c.Criterion}) {c.Justification}")),
            RegulatoryStatusKind.EnforcementDiscretion => $"a device function under FDA enforcement discretion: {r.Basis}",
            _ => $"not a device: {r.Basis}",
        };
        if (r.Eu is { } eu)
        {
            text += $"; EU: AI Act risk {(eu.AiActRiskCategory is { } c ? Names.Of(c) : "not stated")}, MDR {(eu.MdrClass is { } m ? Names.Of(m) : "not stated")}";
        }

        return $"{text} (effective from {Day(r.EffectiveFrom)}).";
    }

    private static List<DisclosureStatement> ChangeControlAnswers(ModelDossier d, ChangeControlReview review)
    {
        var answers = d.Model.ChangeControlPlans.Select(p => new DisclosureStatement(
            $"Predetermined change control plan authorized in {p.SubmissionNumber} on {Day(p.AuthorizedOn)}. Modifications: " +
            string.Join("; ", p.Modifications.Select(m => $"{Names.Of(m.Kind)} ({m.Description}" +
                (m.Institutions.Count > 0 ? $"; institutions: {string.Join(", ", m.Institutions)}" : "") +
                (m.Modalities.Count > 0 ? $"; modalities: {string.Join(", ", m.Modalities.Select(Names.Of))}" : "") +
                (m.Populations.Count > 0 ? $"; populations: {string.Join(", ", m.Populations)}" : "") +
                (m.MinimumRecords is { } n ? $"; at least {n:N0} records per new input" : "") + ")")) +
            $". Data management: new training data only under {p.DataManagement.IrbProtocolIds.Count} listed IRB protocol(s) and {p.DataManagement.LicenseIds.Count} listed license(s); " +
            $"test data sequestered from training data; reference standard: {p.DataManagement.ReferenceStandard}. Acceptance criteria: " +
            string.Join("; ", p.AcceptanceCriteria.Select(c => $"{c.Metric} {(c.Direction == ThresholdDirection.AtLeast ? ">=" : "<=")} {c.Threshold.ToString(CultureInfo.InvariantCulture)} on {c.Population}")) + ".",
            d.Cite(p))).ToList();
        var plan = d.Model.ChangeControlPlans.FirstOrDefault(p => p.PlanId == review.PlanId);
        var status = d.Model.RegulatoryRecords.LastOrDefault(r => r.Status == RegulatoryStatusKind.MarketedDevice);
        answers.Add(!review.Applies
            ? new($"Version {d.Version.Version}: no change control applies ({review.Basis}).", d.Cite(d.Model.RegulatoryRecords.Cast<object>().ToArray()))
            : review.Within
                ? new($"Version {d.Version.Version} is within {review.Basis}.", d.Cite(plan, status))
                : new($"Version {d.Version.Version} is outside {review.Basis}: " + string.Join(" ", review.Findings.Select(f => f.Message)), d.Cite(plan, status)));
        if (d.Version.ReleaseOverride is { } o)
        {
            answers.Add(new($"It was released on {Day(o.OverriddenAt)} under an administrator's override ({o.OverriddenBy}) of {o.Findings.Count} finding(s), justifying: {o.Justification}",
                d.Cite(o, d.Version.Release)));
        }

        return answers;
    }

    private static List<DisclosureStatement> Clearance(ModelDossier d)
    {
        var answers = new List<DisclosureStatement>();
        var judge = new ClearanceRules.Judge(d.Facts, d.Model.Registration.Commercial);
        foreach (var run in d.Version.Runs)
        {
            var trainingDay = DateOnly.FromDateTime(run.Recorded.StartedAt.UtcDateTime);
            foreach (var input in run.Recorded.Inputs.Select(i => i.ToRef()))
            {
                var then = judge.Evaluate(input, trainingDay);
                var now = judge.Evaluate(input, d.Day);
                var citations = new List<object?> { run.Recorded, run.Override };
                var basis = d.PositionsOfStream(input.DatasetId)
                    .Concat(d.Facts.ProtocolsEverCovering(input.DatasetId).SelectMany(p => d.PositionsOfStream(p.Id)));
                answers.Add(new($"{NameOf(d, input)}: on the training day {Day(trainingDay)}, {Verdict(then)}; on {Day(d.Day)}, {Verdict(now)}",
                    [.. d.Cite([.. citations]).Concat(basis).Distinct().Order()]));
            }
        }

        return answers;
    }

    private static string Verdict(ClearanceResult result) =>
        result.Cleared ? "cleared." : "not cleared: " + string.Join(" ", result.Findings.Select(f => f.Message).Distinct());

    private static List<DisclosureStatement> Performance(ModelDossier d)
    {
        var answers = d.Version.Evaluations.Select(e => new DisclosureStatement(
            $"{e.Metric} = {e.Value.ToString(CultureInfo.InvariantCulture)}" +
            (e.ConfidenceLow is { } lo && e.ConfidenceHigh is { } hi ? $" (interval {lo.ToString(CultureInfo.InvariantCulture)} to {hi.ToString(CultureInfo.InvariantCulture)})" : "") +
            $" on {e.Population}, {Names.Of(e.Source)} data (dataset {e.Data.DatasetId} v{e.Data.Version}, fingerprint {e.Data.Fingerprint}), " +
            (e.HeldOut ? "held-out" : "NOT held-out: the version trained on this data") + $", evaluated {Day(e.EvaluatedOn)} by {e.Evaluator}" +
            (e.Acceptance is { } a ? $"; threshold {(a.Direction == ThresholdDirection.AtLeast ? ">=" : "<=")} {a.Threshold.ToString(CultureInfo.InvariantCulture)}: {(e.Met == true ? "met" : "not met")}" : "") + ".",
            d.Cite(e))).ToList();
        return answers.Count > 0 ? answers : [new($"No performance evaluation of version {d.Version.Version} is recorded.", [])];
    }

    private static List<DisclosureStatement> Monitoring(ModelDossier d)
    {
        var answers = d.Version.MonitoringFindings.Select(f => new DisclosureStatement(
            $"{Day(f.ObservedOn)}: {Names.Of(f.Kind)} ({Names.Of(f.Severity)}): {f.Description} Action taken: {f.ActionTaken}", d.Cite(f))).ToList();
        return answers.Count > 0 ? answers : [new($"No post-market monitoring finding is recorded for version {d.Version.Version}.", [])];
    }
}
