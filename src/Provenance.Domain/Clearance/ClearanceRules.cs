using Provenance.Domain.Common;
using Provenance.Domain.Consent;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Irb;
using Provenance.Domain.Licenses;

namespace Provenance.Domain.Clearance;

/// <summary>
/// The one clearance function, used by the training-run gate, the lineage queries and the reports.
/// A dataset version is cleared for training on day D only if, on D:
/// <list type="number">
/// <item>an approved de-identification decision on it stands (not rescinded, not expired; a limited
/// data set also needs a data use agreement in force);</item>
/// <item>an IRB protocol covers its dataset: active (not suspended, terminated or closed), not past
/// expiry, and permitting model training — or an exempt determination that does;</item>
/// <item>a license in force permits model training (and commercial use, for a commercial model);</item>
/// <item>it is not quarantined, and its dataset is not retired;</item>
/// <item>no consent withdrawal effective by D requires its subjects' exclusion;</item>
/// <item>every parent it was derived from was cleared on D too — except that the parents of a
/// de-identification step need no de-identification decision of their own (the step's output
/// carries it); they still need IRB coverage and a license, and must be available.</item>
/// </list>
/// </summary>
public static class ClearanceRules
{
    /// <param name="version">The version judged.</param>
    /// <param name="day">The day it is judged on.</param>
    /// <param name="commercialUse">Whether the training is for a commercial model.</param>
    /// <param name="facts">The ledger's facts.</param>
    /// <param name="asSourceOfDeidentification">Judge it as the input of a de-identification step
    /// (no decision of its own needed), as the rules do for such a step's parents.</param>
    public static ClearanceResult Evaluate(DatasetVersionRef version, DateOnly day, bool commercialUse, ClearanceFacts facts, bool asSourceOfDeidentification = false)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(facts);
        return new Evaluation(day, commercialUse, facts).Of(version, requireDeidentification: !asSourceOfDeidentification);
    }

    /// <summary>
    /// Judges many versions over the same facts, remembering every verdict (per day), so a graph's
    /// shared ancestors are judged once instead of once per descendant.
    /// </summary>
    public sealed class Judge(ClearanceFacts facts, bool commercialUse)
    {
        private readonly Dictionary<DateOnly, Evaluation> _byDay = [];

        public ClearanceResult Evaluate(DatasetVersionRef version, DateOnly day, bool asSourceOfDeidentification = false)
        {
            ArgumentNullException.ThrowIfNull(version);
            if (!_byDay.TryGetValue(day, out var evaluation))
            {
                _byDay[day] = evaluation = new Evaluation(day, commercialUse, facts);
            }

            return evaluation.Of(version, requireDeidentification: !asSourceOfDeidentification);
        }
    }

    private sealed class Evaluation(DateOnly day, bool commercial, ClearanceFacts facts)
    {
        private readonly Dictionary<(DatasetVersionRef, bool), ClearanceResult> _done = [];
        private readonly HashSet<DatasetVersionRef> _visiting = [];

        public ClearanceResult Of(DatasetVersionRef reference, bool requireDeidentification)
        {
            if (_done.TryGetValue((reference, requireDeidentification), out var known))
            {
                return known;
            }

            var findings = new List<ClearanceFinding>();
            void Add(string code, string message) => findings.Add(new ClearanceFinding(reference, code, message));

            if (!facts.Datasets.TryGetValue(reference.DatasetId, out var dataset) || dataset.Version(reference.Version) is not { } version)
            {
                Add("unknown-version", $"Dataset version {reference} is not on the ledger.");
                return Remember(reference, requireDeidentification, findings);
            }

            var name = $"{dataset.Name} v{version.Version}";
            if (DateOnly.FromDateTime(version.Contribution.ContributedAt.UtcDateTime) > day)
            {
                Add("not-yet-contributed", $"{name} was contributed on {Day(version.Contribution.ContributedAt)}, after {Day(day)}.");
            }

            if (requireDeidentification)
            {
                Deidentification(dataset, version, name, Add);
            }

            IrbCoverage(dataset, name, Add);
            Licensing(dataset, name, Add);
            Availability(dataset, version, name, Add);
            Consent(dataset, version, name, Add);

            if (!_visiting.Add(reference))
            {
                Add("derivation-cycle", $"{name} is its own ancestor.");
                return Remember(reference, requireDeidentification, findings);
            }

            var deidentifies = version.Derivation?.Transformation == TransformationKind.Deidentification;
            foreach (var parent in version.Parents)
            {
                var result = Of(parent, requireDeidentification: !deidentifies);
                if (!result.Cleared)
                {
                    var parentName = facts.Datasets.TryGetValue(parent.DatasetId, out var p) ? $"{p.Name} v{parent.Version}" : parent.ToString();
                    Add("parent-not-cleared", $"{name} is derived from {parentName}, which was not cleared on {Day(day)}.");
                    findings.AddRange(result.Findings.Where(f => !findings.Contains(f)));
                }
            }

            _visiting.Remove(reference);
            return Remember(reference, requireDeidentification, findings);
        }

        private ClearanceResult Remember(DatasetVersionRef reference, bool requireDeidentification, List<ClearanceFinding> findings)
        {
            var result = new ClearanceResult(reference, day, findings);
            _done[(reference, requireDeidentification)] = result;
            return result;
        }

        private void Deidentification(Dataset dataset, DatasetVersion version, string name, Action<string, string> add)
        {
            var decisions = dataset.Decisions.Where(d => d.Decided.Version == version.Version).ToList();
            if (decisions.Count == 0)
            {
                add("deidentification-missing", $"No de-identification decision was recorded for {name}.");
                return;
            }

            var reasons = new List<(string Code, string Message)>();
            foreach (var (decided, rescinded) in decisions)
            {
                var method = Names.Of(decided.Method);
                if (decided.Outcome != DecisionOutcome.Approved)
                {
                    reasons.Add(("deidentification-rejected", $"The {method} decision on {name} of {Day(decided.DecidedAt)} was a rejection."));
                }
                else if (DateOnly.FromDateTime(decided.DecidedAt.UtcDateTime) > day)
                {
                    reasons.Add(("deidentification-later", $"The {method} decision on {name} was made on {Day(decided.DecidedAt)}, after {Day(day)}."));
                }
                else if (rescinded is not null && DateOnly.FromDateTime(rescinded.RescindedAt.UtcDateTime) <= day)
                {
                    reasons.Add(("deidentification-rescinded", $"The {method} decision on {name} was rescinded on {Day(rescinded.RescindedAt)}: {rescinded.Reason}"));
                }
                else if (decided.ExpertDetermination?.ExpiresOn is { } expires && expires < day)
                {
                    reasons.Add(("deidentification-expired", $"The expert determination for {name} expired on {Day(expires)}, {Days(expires, day)} before {Day(day)}."));
                }
                else if (decided.Method == DeidentificationMethod.LimitedDataSet && !InForce(dataset, LicenseKind.DataUseAgreement))
                {
                    reasons.Add(("limited-data-set-without-dua", $"{name} is a limited data set, and no data use agreement was in force on {Day(day)}."));
                }
                else
                {
                    return;
                }
            }

            foreach (var (code, message) in reasons)
            {
                add(code, message);
            }
        }

        private void IrbCoverage(Dataset dataset, string name, Action<string, string> add)
        {
            var protocols = facts.ProtocolsEverCovering(dataset.Id);
            if (protocols.Count == 0)
            {
                add("irb-missing", $"No IRB protocol covers {dataset.Name} (needed for {name}).");
                return;
            }

            var reasons = new List<(string Code, string Message)>();
            foreach (var protocol in protocols)
            {
                var label = $"IRB protocol {protocol.Approval.ProtocolNumber}";
                var terms = protocol.TermsOn(day);
                var status = protocol.StatusOn(day);
                if (terms is null || status is null)
                {
                    reasons.Add(("irb-not-yet-approved", $"{label} was approved on {Day(protocol.Approval.ApprovedOn)}, after {Day(day)}."));
                }
                else if (!terms.CoveredDatasetIds.Contains(dataset.Id))
                {
                    reasons.Add(("irb-not-covering", $"{label} did not cover {dataset.Name} on {Day(day)}."));
                }
                else if (status.Status != IrbStatus.Active)
                {
                    reasons.Add(($"irb-{Names.Of(status.Status)}", $"{label} was {Names.Of(status.Status)} on {Day(status.EffectiveOn)} ({status.Reason}), before {Day(day)}."));
                }
                else if (terms.ExpiresOn is { } expires && expires < day)
                {
                    reasons.Add(("irb-expired", $"{label} expired {Day(expires)}, {Days(expires, day)} before {Day(day)}."));
                }
                else if (!terms.PermittedUses.Contains(PermittedUse.ModelTraining))
                {
                    reasons.Add(("irb-use-not-permitted", $"{label} does not permit model training."));
                }
                else
                {
                    return;
                }
            }

            foreach (var (code, message) in reasons)
            {
                add(code, message);
            }
        }

        private void Licensing(Dataset dataset, string name, Action<string, string> add)
        {
            if (dataset.Licenses.Count == 0)
            {
                add("license-missing", $"No license or data use agreement is recorded for {dataset.Name} (needed for {name}).");
                return;
            }

            var reasons = new List<(string Code, string Message)>();
            foreach (var license in dataset.Licenses)
            {
                var label = Label(license);
                var terms = license.TermsOn(day);
                if (terms is null)
                {
                    reasons.Add(("license-not-yet-effective", $"{label} took effect on {Day(license.Granted.EffectiveOn)}, after {Day(day)}."));
                }
                else if (license.Terminated is { } terminated && terminated.EffectiveOn <= day)
                {
                    reasons.Add(("license-terminated", $"{label} was terminated on {Day(terminated.EffectiveOn)}: {terminated.Reason}"));
                }
                else if (terms.Terms.ExpiresOn is { } expires && expires < day)
                {
                    reasons.Add(("license-expired", $"{label} expired {Day(expires)}, {Days(expires, day)} before {Day(day)}."));
                }
                else if (!terms.Terms.PermittedUses.Contains(PermittedUse.ModelTraining))
                {
                    reasons.Add(("license-use-not-permitted", $"{label} does not permit model training."));
                }
                else if (commercial && !terms.Terms.PermittedUses.Contains(PermittedUse.CommercialUse))
                {
                    reasons.Add(("license-commercial-not-permitted", $"{label} does not permit commercial use, and the model is commercial."));
                }
                else
                {
                    return;
                }
            }

            foreach (var (code, message) in reasons)
            {
                add(code, message);
            }
        }

        private void Availability(Dataset dataset, DatasetVersion version, string name, Action<string, string> add)
        {
            if (dataset.Retirement is { } retired && DateOnly.FromDateTime(retired.RetiredAt.UtcDateTime) <= day)
            {
                add("dataset-retired", $"{dataset.Name} was retired on {Day(retired.RetiredAt)}: {retired.Reason}");
            }

            foreach (var (quarantined, released) in version.Quarantines)
            {
                var from = DateOnly.FromDateTime(quarantined.QuarantinedAt.UtcDateTime);
                if (from <= day && (released is null || DateOnly.FromDateTime(released.ReleasedAt.UtcDateTime) > day))
                {
                    add("version-quarantined", $"{name} was in quarantine on {Day(day)} (since {Day(from)}: {quarantined.Reason}).");
                }
            }
        }

        private void Consent(Dataset dataset, DatasetVersion version, string name, Action<string, string> add)
        {
            foreach (var withdrawal in dataset.ConsentWithdrawals.Where(w => w.Version == version.Version && w.EffectiveOn <= day))
            {
                if (withdrawal.RequiredActions.Contains(ConsentAction.ExcludeFromFutureTraining))
                {
                    add("consent-withdrawn", $"{withdrawal.SubjectCount} subject(s) of {name} withdrew consent effective {Day(withdrawal.EffectiveOn)}; " +
                                             "they must be excluded, in a new version, before training.");
                }
            }
        }

        private bool InForce(Dataset dataset, LicenseKind kind) => dataset.Licenses.Any(l =>
            l.Granted.Kind == kind && l.TermsOn(day) is { } terms && (terms.Terms.ExpiresOn is null || terms.Terms.ExpiresOn >= day) &&
            (l.Terminated is null || l.Terminated.EffectiveOn > day));

        private static string Label(DatasetLicense license) => license.Granted.Kind switch
        {
            LicenseKind.Spdx => $"License {license.Granted.SpdxId}",
            LicenseKind.DataUseAgreement => $"Data use agreement {license.Granted.Terms.DocumentReference}",
            _ => $"Business associate agreement {license.Granted.Terms.DocumentReference}",
        };

        private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        private static string Day(DateTimeOffset t) => Day(DateOnly.FromDateTime(t.UtcDateTime));

        private static string Days(DateOnly from, DateOnly to)
        {
            var days = to.DayNumber - from.DayNumber;
            return days == 1 ? "1 day" : $"{days} days";
        }
    }
}
