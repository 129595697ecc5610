using System.Globalization;
using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Licenses;
using Provenance.Domain.Models;

namespace Provenance.Ledger.Models.Disclosing;

/// <summary>
/// The procurement disclosure of a model version (#18, docs/regulatory.md): each question a buyer's
/// compliance officer asks, answered in plain words, every statement citing the log positions it rests on.
/// </summary>
/// <param name="Format">Always <c>provenance-procurement-disclosure/1</c>.</param>
/// <param name="Model">The model version disclosed.</param>
/// <param name="LedgerPosition">The log position the answers were read at.</param>
/// <param name="JudgedOn">The day "today" means in the answers.</param>
/// <param name="Sections">The questions and their answers, in a fixed order.</param>
public sealed record Disclosure(string Format, DisclosedModel Model, long LedgerPosition, DateOnly JudgedOn, IReadOnlyList<DisclosureSection> Sections)
{
    public const string FormatName = "provenance-procurement-disclosure/1";

    /// <summary>Every position any statement cites, ascending.</summary>
    public IReadOnlyList<long> Citations => [.. Sections.SelectMany(s => s.Answers).SelectMany(a => a.Citations).Distinct().Order()];
}

/// <summary>The model version a disclosure is about.</summary>
public sealed record DisclosedModel(Guid ModelId, string Name, string Developer, string IntendedUse, bool Commercial, string Version, string Status);

/// <summary>One procurement question and its answers.</summary>
public sealed record DisclosureSection(string Id, string Question, IReadOnlyList<DisclosureStatement> Answers);

/// <summary>One answer in plain words, with the log positions of the events it rests on.</summary>
public sealed record DisclosureStatement(string Text, IReadOnlyList<long> Citations);

/// <summary>Builds a <see cref="Disclosure"/> from a <see cref="ModelDossier"/>; every word is derived from events.</summary>
internal static partial class DisclosureBuilder
{
    public static Disclosure Build(ModelDossier dossier, ChangeControlReview review)
    {
        var (model, version) = (dossier.Model, dossier.Version);
        return new Disclosure(Disclosure.FormatName,
            new DisclosedModel(model.Id, model.Registration.Name, model.Registration.Owner, model.Registration.IntendedUse, model.Registration.Commercial,
                version.Version, Names.Of(version.Status)),
            dossier.Position, dossier.Day,
            [
                new("training-data-governance", "Where did the training data come from, and how is it governed?", Governance(dossier)),
                new("deidentification-methodology", "How was each source de-identified?", Deidentification(dossier)),
                new("irb-approvals-and-consent", "Under which IRB approvals and consent bases was the data used?", Irb(dossier)),
                new("license-and-baa-scope", "Under which licenses and agreements (DUA, BAA), and what do they permit?", Licenses(dossier)),
                new("consent-withdrawals", "Did anyone withdraw consent, and what was done?", Withdrawals(dossier)),
                new("fda-status", "What is the model's FDA (and EU) regulatory status?", Status(dossier)),
                new("change-control", "Is this version within the device's authorization or its predetermined change control plan?", ChangeControlAnswers(dossier, review)),
                new("input-clearance", "Was every training input cleared on the training day, and is it cleared today?", Clearance(dossier)),
                new("performance", "How was performance measured, and on which data?", Performance(dossier)),
                new("monitoring-findings", "What has post-market monitoring found?", Monitoring(dossier)),
            ]);
    }

    private static List<DisclosureStatement> Governance(ModelDossier d)
    {
        var answers = new List<DisclosureStatement>();
        foreach (var run in d.Version.Runs)
        {
            var r = run.Recorded;
            answers.Add(new($"Training run {r.RunId} ({Day(r.StartedAt)} to {Day(r.FinishedAt)}, code {r.CodeReference}) used {r.Inputs.Count} dataset version(s): " +
                            string.Join("; ", r.Inputs.Select(i => $"{NameOf(d, i.ToRef())} (fingerprint {i.Fingerprint})")) + ".", d.Cite(r)));
            if (run.Override is { } o)
            {
                answers.Add(new($"An administrator ({o.OverriddenBy}) recorded this run despite {o.Findings.Count} clearance finding(s), justifying: {o.Justification}", d.Cite(o)));
            }
        }

        foreach (var dataset in d.Facts.Datasets.Values.OrderBy(x => x.Name, StringComparer.Ordinal))
        {
            answers.Add(new($"{dataset.Name}: {Names.Of(dataset.Modality)} data from {dataset.SourceInstitution}, collected {Day(dataset.CollectionStart)} to {Day(dataset.CollectionEnd)}, " +
                            $"{dataset.RecordCount:N0} records of {dataset.PatientCount:N0} patients as registered; steward {dataset.Steward}.",
                [.. d.FirstPositionOf(dataset.Id) is { } p ? [p] : Array.Empty<long>()]));
            foreach (var v in dataset.Versions.Where(v => v.Derivation is not null && d.Facts.Datasets.ContainsKey(dataset.Id)))
            {
                var derivation = v.Derivation!;
                answers.Add(new($"{dataset.Name} v{v.Version} was derived from {string.Join(", ", derivation.Parents.Select(p => NameOf(d, p)))} " +
                                $"by {Names.Of(derivation.Transformation)} ({derivation.Description}; code {derivation.CodeReference}).", d.Cite(derivation)));
            }
        }

        return answers;
    }

    private static List<DisclosureStatement> Deidentification(ModelDossier d)
    {
        var answers = new List<DisclosureStatement>();
        foreach (var input in d.Version.TrainingInputs)
        {
            var dataset = d.Facts.Datasets.GetValueOrDefault(input.DatasetId);
            var version = dataset?.Version(input.Version);
            if (dataset is null || version is null)
            {
                continue;
            }

            var decisions = dataset.Decisions.Where(x => x.Decided.Version == input.Version).ToList();
            if (decisions.Count == 0)
            {
                var source = version.Derivation?.Transformation == TransformationKind.Deidentification ? " It is the output of a de-identification step; see its derivation." : "";
                answers.Add(new($"No de-identification decision is recorded for {NameOf(d, input)}.{source}", d.Cite(version.Contribution, version.Derivation)));
                continue;
            }

            foreach (var (decided, rescinded) in decisions)
            {
                var text = $"{NameOf(d, input)}: {Method(decided)}, {Names.Of(decided.Outcome)} on {Day(decided.DecidedAt)} by {decided.DecidedBy}.";
                if (rescinded is not null)
                {
                    text += $" Rescinded on {Day(rescinded.RescindedAt)}: {rescinded.Reason}";
                }

                answers.Add(new(text, d.Cite(decided, rescinded)));
            }
        }

        return answers;
    }

    private static string Method(DeidentificationDecided decided) => decided.Method switch
    {
        DeidentificationMethod.SafeHarbor when decided.SafeHarbor is { } s =>
            $"HIPAA Safe Harbor (45 CFR 164.514(b)(2)), {s.Identifiers.Count} of 18 identifier categories addressed " +
            $"({s.Identifiers.Count(i => i.Treatment == IdentifierTreatment.Removed)} removed), no actual knowledge attested: {(s.NoActualKnowledge ? "yes" : "no")}",
        DeidentificationMethod.ExpertDetermination when decided.ExpertDetermination is { } e =>
            $"HIPAA Expert Determination (45 CFR 164.514(b)(1)) by {e.ExpertName} ({e.Qualifications}), report {e.ReportReference}" +
            (e.ReportSha256 is { } h ? $" (SHA-256 {h})" : "") + $" of {Day(e.DeterminedOn)}, risk {e.RiskEstimate.ToString(CultureInfo.InvariantCulture)} " +
            $"against a threshold of {e.RiskThreshold.ToString(CultureInfo.InvariantCulture)}" +
            (e.Conditions.Count > 0 ? $", conditions: {string.Join("; ", e.Conditions)}" : "") + (e.ExpiresOn is { } x ? $", valid until {Day(x)}" : ""),
        DeidentificationMethod.LimitedDataSet when decided.LimitedDataSet is { } l =>
            $"a HIPAA limited data set (45 CFR 164.514(e)), still PHI, used under data use agreement {l.DataUseAgreementReference}",
        DeidentificationMethod.NotPhi when decided.NotPhi is { } n => $"not PHI: {n.Justification}",
        _ => Names.Of(decided.Method),
    };

    private static List<DisclosureStatement> Irb(ModelDossier d) =>
        d.Facts.Protocols.OrderBy(p => p.Approval.ProtocolNumber, StringComparer.Ordinal).Select(p =>
        {
            var a = p.Approval;
            var covered = p.TermsHistory.SelectMany(t => t.Terms.CoveredDatasetIds).Distinct()
                .Select(id => d.Facts.Datasets.GetValueOrDefault(id)?.Name).OfType<string>().Order(StringComparer.Ordinal);
            return new DisclosureStatement(
                $"{a.IrbName} ({a.IrbRegistration}) protocol {a.ProtocolNumber}, \"{a.Title}\" (PI {a.PrincipalInvestigator}): {Names.Of(a.ReviewType)} review" +
                (a.ExemptCategory is { } c ? $", exempt category {c}" : "") + $", approved {Day(a.ApprovedOn)}, consent basis {Names.Of(a.ConsentBasis)}; " +
                $"covers {string.Join(", ", covered)}; permits {string.Join(", ", p.CurrentTerms.PermittedUses.Select(Names.Of))}; " +
                $"on {Day(d.Day)}: {Names.Of(p.StandingOn(d.Day))}" + (p.CurrentTerms.ExpiresOn is { } e ? $", expires {Day(e)}" : ", no expiry (no continuing review required)") + ".",
                [.. d.PositionsOfStream(p.Id)]);
        }).ToList();

    private static List<DisclosureStatement> Licenses(ModelDossier d)
    {
        var answers = new List<DisclosureStatement>();
        foreach (var dataset in d.Facts.Datasets.Values.OrderBy(x => x.Name, StringComparer.Ordinal))
        {
            if (dataset.Licenses.Count == 0)
            {
                answers.Add(new($"{dataset.Name}: no license or agreement is recorded.", [.. d.FirstPositionOf(dataset.Id) is { } p ? [p] : Array.Empty<long>()]));
            }

            foreach (var license in dataset.Licenses)
            {
                var g = license.Granted;
                var terms = license.TermsOn(d.Day)?.Terms ?? license.TermsHistory[^1].Terms;
                var kind = g.Kind switch
                {
                    LicenseKind.Spdx => $"license {g.SpdxId}",
                    LicenseKind.DataUseAgreement => $"data use agreement {terms.DocumentReference}",
                    _ => $"business associate agreement {terms.DocumentReference}",
                };
                var text = $"{dataset.Name}: {kind} between {string.Join(", ", g.Parties)}, territory {g.Territory}, effective {Day(g.EffectiveOn)}" +
                           (terms.ExpiresOn is { } x ? $", expires {Day(x)}" : "") + $". Permits: {string.Join(", ", terms.PermittedUses.Select(Names.Of))}. " +
                           $"Sharing with sub-processors or redistribution: {(terms.PermittedUses.Contains(PermittedUse.Redistribution) ? "permitted" : "not permitted")}. " +
                           $"Prohibits: {(terms.Prohibitions.Count == 0 ? "nothing stated" : string.Join(", ", terms.Prohibitions.Select(Names.Of)))}. " +
                           $"Signed document SHA-256 {terms.DocumentSha256}.";
                if (license.Terminated is { } t)
                {
                    text += $" Terminated effective {Day(t.EffectiveOn)}: {t.Reason}";
                }

                answers.Add(new(text, d.Cite([g, license.Terminated, .. d.EventsOf<LicenseAmended>(dataset.Id).Where(e => e.LicenseId == g.LicenseId)])));
            }
        }

        return answers;
    }

    private static List<DisclosureStatement> Withdrawals(ModelDossier d)
    {
        var inputs = d.Version.TrainingInputs.ToHashSet();
        var answers = new List<DisclosureStatement>();
        foreach (var dataset in d.Facts.Datasets.Values.OrderBy(x => x.Name, StringComparer.Ordinal))
        {
            foreach (var w in dataset.ConsentWithdrawals)
            {
                var reference = new DatasetVersionRef(dataset.Id, w.Version);
                var trainedAfter = d.Version.Runs.Where(r => r.Recorded.Inputs.Any(i => i.ToRef() == reference) && DateOnly.FromDateTime(r.Recorded.StartedAt.UtcDateTime) >= w.EffectiveOn).ToList();
                var handling = !inputs.Contains(reference)
                    ? "This model version did not train on that version."
                    : trainedAfter.Count == 0
                        ? "This model version trained on it before the withdrawal took effect; the required actions apply to its next retraining."
                        : $"This model version trained on it after the withdrawal took effect ({string.Join(", ", trainedAfter.Select(r => Day(r.Recorded.StartedAt)))})" +
                          (trainedAfter.Any(r => r.Override is not null) ? ", under an administrator's recorded override." : ".");
                answers.Add(new($"{w.SubjectCount} subject(s) of {dataset.Name} v{w.Version} withdrew consent effective {Day(w.EffectiveOn)}; required: " +
                                $"{string.Join(", ", w.RequiredActions.Select(Names.Of))}. {handling}", d.Cite([w, .. trainedAfter.Select(r => (object?)r.Recorded)])));
            }
        }

        return answers.Count > 0 ? answers : [new("No consent withdrawal is recorded for any dataset this version trained on or derives from.", [])];
    }

    internal static string NameOf(ModelDossier d, DatasetVersionRef reference) =>
        d.Facts.Datasets.TryGetValue(reference.DatasetId, out var dataset) ? $"{dataset.Name} v{reference.Version}" : reference.ToString();

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string Day(DateTimeOffset at) => Day(DateOnly.FromDateTime(at.UtcDateTime));
}
