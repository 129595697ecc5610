using Provenance.Domain.Common;
using Provenance.Domain.Datasets;

namespace Provenance.Domain.Deidentification;

/// <summary>Record a de-identification decision on a dataset version, or rescind one.</summary>
public static class DecideDeidentification
{
    public static DeidentificationDecided Decide(Dataset dataset, DeidentificationDecided decision)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(decision);
        var violations = new List<RuleViolation>();
        if (dataset.Version(decision.Version) is null)
        {
            violations.Add(new("version", "unknown-version", $"Dataset {dataset.Id} has no version {decision.Version}."));
        }

        var blocks = new (DeidentificationMethod Method, object? Block, string Field)[]
        {
            (DeidentificationMethod.SafeHarbor, decision.SafeHarbor, "safeHarbor"),
            (DeidentificationMethod.ExpertDetermination, decision.ExpertDetermination, "expertDetermination"),
            (DeidentificationMethod.LimitedDataSet, decision.LimitedDataSet, "limitedDataSet"),
            (DeidentificationMethod.NotPhi, decision.NotPhi, "notPhi"),
        };
        foreach (var (method, block, field) in blocks)
        {
            if (method == decision.Method && block is null)
            {
                violations.Add(new(field, "details-missing", $"A {field} decision needs its {field} details."));
            }
            else if (method != decision.Method && block is not null)
            {
                violations.Add(new(field, "details-mismatch", $"{field} details do not belong to a {Names.Of(decision.Method)} decision."));
            }
        }

        if (decision.SafeHarbor is { } safeHarbor)
        {
            CheckSafeHarbor(safeHarbor, decision.Outcome, violations);
        }

        if (decision.ExpertDetermination is { } expert)
        {
            CheckExpert(expert, decision, violations);
        }

        RuleViolationException.ThrowIfAny(violations);
        return decision;
    }

    public static DeidentificationRescinded Rescind(Dataset dataset, Guid decisionId, string reason, string by, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var decision = dataset.Decisions.FirstOrDefault(d => d.Decided.DecisionId == decisionId);
        RuleViolationException.ThrowIfAny(
            decision is null ? [new RuleViolation("decisionId", "unknown-decision", $"Dataset {dataset.Id} has no de-identification decision {decisionId}.")]
            : decision.Rescinded is not null ? [new RuleViolation("decisionId", "already-rescinded", $"Decision {decisionId} was already rescinded.")]
            : []);
        return new DeidentificationRescinded(dataset.Id, decisionId, reason, by, at);
    }

    private static void CheckSafeHarbor(SafeHarborDetails details, DecisionOutcome outcome, List<RuleViolation> violations)
    {
        var listed = details.Identifiers.Select(i => i.Identifier).ToList();
        var duplicates = listed.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => Names.Of(g.Key)).ToList();
        if (duplicates.Count > 0)
        {
            violations.Add(new("safeHarbor.identifiers", "identifier-listed-twice", "Listed more than once: " + string.Join(", ", duplicates) + "."));
        }

        if (outcome != DecisionOutcome.Approved)
        {
            return;
        }

        var missing = Enum.GetValues<SafeHarborIdentifier>().Except(listed).Select(Names.Of).ToList();
        if (missing.Count > 0)
        {
            violations.Add(new("safeHarbor.identifiers", "identifiers-missing",
                $"An approved Safe Harbor decision accounts for all 18 identifier categories of 164.514(b)(2); missing: {string.Join(", ", missing)}."));
        }

        if (!details.NoActualKnowledge)
        {
            violations.Add(new("safeHarbor.noActualKnowledge", "actual-knowledge",
                "An approved Safe Harbor decision needs the attestation that there is no actual knowledge the remaining data could identify anyone."));
        }
    }

    private static void CheckExpert(ExpertDeterminationDetails expert, DeidentificationDecided decision, List<RuleViolation> violations)
    {
        if (expert.RiskThreshold <= 0 || expert.RiskThreshold > 1 || expert.RiskEstimate < 0 || expert.RiskEstimate > 1)
        {
            violations.Add(new("expertDetermination.riskEstimate", "risk-out-of-range", "Risk estimate and threshold are probabilities between 0 and 1 (threshold above 0)."));
        }
        else if (decision.Outcome == DecisionOutcome.Approved && expert.RiskEstimate > expert.RiskThreshold)
        {
            violations.Add(new("expertDetermination.riskEstimate", "risk-above-threshold",
                $"The estimated re-identification risk {expert.RiskEstimate} exceeds the expert's threshold {expert.RiskThreshold}: the decision cannot be approved."));
        }

        if (expert.ExpiresOn is { } expires && expires <= expert.DeterminedOn)
        {
            violations.Add(new("expertDetermination.expiresOn", "expiry-before-determination",
                $"The determination expires ({expires:yyyy-MM-dd}) on or before it was made ({expert.DeterminedOn:yyyy-MM-dd})."));
        }

        if (expert.DeterminedOn > DateOnly.FromDateTime(decision.DecidedAt.UtcDateTime))
        {
            violations.Add(new("expertDetermination.determinedOn", "determination-after-decision",
                "The expert's determination is dated after the decision that relies on it."));
        }
    }
}
