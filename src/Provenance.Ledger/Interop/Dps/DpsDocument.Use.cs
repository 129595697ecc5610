using System.Globalization;
using System.Text.Json.Nodes;
using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Irb;
using Provenance.Domain.Licenses;

namespace Provenance.Ledger.Interop.Dps;

/// <summary>The DPS <c>use</c> group: classification, consents, risk reduction, licenses, purposes and territory.</summary>
internal static partial class DpsDocument
{
    private static JsonObject Use(Dataset dataset, DatasetVersion version, ClearanceFacts facts)
    {
        var use = new JsonObject();
        var decisions = dataset.Decisions.Where(d => d.Decided.Version == version.Version && d.Rescinded is null && d.Decided.Outcome == DecisionOutcome.Approved)
            .Select(d => d.Decided).ToList();
        use["classification"] = new JsonArray(Classification(decisions));
        var consents = Consents(dataset, version, facts).ToList();
        if (consents.Count > 0)
        {
            use["consents"] = new JsonArray([.. consents.Select(c => (JsonNode)c)]);
        }

        var reducing = decisions.Select(RiskReducing).OfType<JsonObject>().ToList();
        if (reducing.Count > 0)
        {
            use["data-risk-reducing"] = new JsonArray([.. reducing]);
        }

        var inForce = dataset.Licenses.Where(l => l.Terminated is null).ToList();
        if (inForce.Count > 0)
        {
            use["license"] = new JsonArray([.. inForce.Select(l => (JsonNode)LicenseName(l)).DistinctBy(n => n!.ToString())]);
        }

        var uses = inForce.SelectMany(l => l.TermsHistory[^1].Terms.PermittedUses).Distinct().Order().ToList();
        use["intended-purpose"] = new JsonArray(uses.Count == 0
            ? [new JsonObject { ["code"] = "other", ["long-description"] = "No license in force on the ledger permits a use." }]
            : [.. uses.Select(u => (JsonNode)Purpose(u))]);
        var territories = inForce.Select(l => l.Granted.Territory.Trim()).Where(t => t.Length > 0 && !t.Equals("worldwide", StringComparison.OrdinalIgnoreCase)).Distinct().ToList();
        if (territories.Count > 0)
        {
            use["processing-included"] = new JsonArray([.. territories.Select(t => (JsonNode)new JsonObject { ["country"] = t })]);
            use["storage-allowed"] = new JsonArray([.. territories.Select(t => (JsonNode)new JsonObject { ["country"] = t })]);
        }

        return use;
    }

    private static JsonObject Classification(List<DeidentificationDecided> decisions)
    {
        var phi = decisions.Count == 0 || decisions.Any(d => d.Method == DeidentificationMethod.LimitedDataSet);
        var description = decisions.Count == 0
            ? "No approved de-identification decision is recorded: treat it as PHI under HIPAA."
            : string.Join(" ", decisions.Select(d => d.Method switch
            {
                DeidentificationMethod.SafeHarbor => "De-identified under HIPAA Safe Harbor, 45 CFR 164.514(b)(2): not PHI.",
                DeidentificationMethod.ExpertDetermination => "De-identified under HIPAA Expert Determination, 45 CFR 164.514(b)(1): not PHI.",
                DeidentificationMethod.LimitedDataSet => "A HIPAA limited data set, 45 CFR 164.514(e): still PHI, under a data use agreement.",
                _ => "Not PHI: " + d.NotPhi?.Justification,
            }));
        return new JsonObject
        {
            ["regulation"] = new JsonObject { ["code"] = "phi", ["system"] = "HIPAA", ["long-description"] = description },
            ["evaluated"] = phi,
            ["tool"] = decisions.Count == 0 ? "none recorded" : string.Join("; ", decisions.Select(d => $"{Names.Of(d.Method)} decision by {d.DecidedBy}")),
        };
    }

    private static JsonObject? RiskReducing(DeidentificationDecided decided) => decided.Method switch
    {
        DeidentificationMethod.SafeHarbor when decided.SafeHarbor is { } s => new JsonObject
        {
            ["tool-category"] = new JsonObject { ["code"] = "safe-harbor", ["system"] = "45 CFR 164.514(b)(2)" },
            ["tool-used"] = $"HIPAA Safe Harbor review, decided by {decided.DecidedBy}",
            ["technology"] = "data-redaction",
            ["parameters"] = new JsonArray([.. s.Identifiers.Select(i => (JsonNode)new JsonObject { ["name"] = Names.Of(i.Identifier), ["value"] = Names.Of(i.Treatment) })]),
            ["results"] = new JsonArray($"No actual knowledge that the rest could identify an individual: {(s.NoActualKnowledge ? "attested" : "not attested")}."),
        },
        DeidentificationMethod.ExpertDetermination when decided.ExpertDetermination is { } e => new JsonObject
        {
            ["tool-category"] = new JsonObject { ["code"] = "expert-determination", ["system"] = "45 CFR 164.514(b)(1)", ["long-description"] = $"{e.ExpertName}: {e.Qualifications}" },
            ["tool-used"] = $"HIPAA Expert Determination by {e.ExpertName}",
            ["technology"] = "data-anonymization",
            ["parameters"] = new JsonArray(
            [
                new JsonObject { ["name"] = "risk-threshold", ["value"] = e.RiskThreshold.ToString(CultureInfo.InvariantCulture) },
                .. e.Conditions.Select(c => (JsonNode)new JsonObject { ["name"] = "condition", ["value"] = c }),
                .. e.ExpiresOn is { } expires ? [(JsonNode)new JsonObject { ["name"] = "expires-on", ["value"] = Day(expires) }] : Array.Empty<JsonNode>(),
            ]),
            ["results"] = new JsonArray($"Re-identification risk {e.RiskEstimate.ToString(CultureInfo.InvariantCulture)}, report {e.ReportReference}" +
                                        (e.ReportSha256 is { } h ? $" (SHA-256 {h})" : "") + $", {Day(e.DeterminedOn)}."),
        },
        DeidentificationMethod.LimitedDataSet when decided.LimitedDataSet is { } l => new JsonObject
        {
            ["tool-category"] = new JsonObject { ["code"] = "limited-data-set", ["system"] = "45 CFR 164.514(e)" },
            ["tool-used"] = $"HIPAA limited data set, decided by {decided.DecidedBy}",
            ["technology"] = "data-minimization",
            ["results"] = new JsonArray($"16 direct identifiers removed; used under data use agreement {l.DataUseAgreementReference}."),
        },
        _ => null,
    };

    private static IEnumerable<string> Consents(Dataset dataset, DatasetVersion version, ClearanceFacts facts)
    {
        foreach (var protocol in facts.ProtocolsEverCovering(dataset.Id).OrderBy(p => p.Approval.ProtocolNumber, StringComparer.Ordinal))
        {
            var a = protocol.Approval;
            yield return $"IRB protocol {a.ProtocolNumber} ({a.IrbName}, {a.IrbRegistration}), approved {Day(a.ApprovedOn)}: consent basis {Names.Of(a.ConsentBasis)}.";
        }

        foreach (var w in dataset.ConsentWithdrawals.Where(w => w.Version == version.Version))
        {
            yield return $"{w.SubjectCount} subject(s) withdrew consent effective {Day(w.EffectiveOn)}; required: {string.Join(", ", w.RequiredActions.Select(Names.Of))}.";
        }
    }

    private static JsonObject Purpose(PermittedUse use) => use switch
    {
        PermittedUse.Research => new JsonObject { ["code"] = "research", ["long-description"] = "Research, as a license in force permits." },
        _ => new JsonObject { ["code"] = "other", ["long-description"] = $"{Names.Of(use)}, as a license in force permits." },
    };
}
