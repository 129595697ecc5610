using Provenance.Domain.Common;

namespace Provenance.Domain.Irb;

/// <summary>Record an IRB protocol's approval and its changes of scope and status.</summary>
public static class ManageIrbProtocol
{
    public static IrbProtocolApproved Approve(IrbProtocolApproved approved, ISet<Guid> existingDatasetIds)
    {
        ArgumentNullException.ThrowIfNull(approved);
        ArgumentNullException.ThrowIfNull(existingDatasetIds);
        var violations = new List<RuleViolation>();
        if (approved.ReviewType == ReviewType.Exempt && approved.ExemptCategory is not (>= 1 and <= 8))
        {
            violations.Add(new("exemptCategory", "exempt-category-missing", "An exempt determination names its 45 CFR 46.104(d) category, 1 to 8."));
        }

        if (approved.ReviewType != ReviewType.Exempt && approved.ExemptCategory is not null)
        {
            violations.Add(new("exemptCategory", "exempt-category-not-applicable", "Only an exempt determination has an exempt category."));
        }

        CheckTerms(approved.ApprovedOn, approved.Terms, existingDatasetIds, "terms", violations);
        RuleViolationException.ThrowIfAny(violations);
        return approved;
    }

    public static IrbProtocolAmended Amend(IrbProtocol protocol, IrbProtocolAmended amended, ISet<Guid> existingDatasetIds)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(amended);
        ArgumentNullException.ThrowIfNull(existingDatasetIds);
        var violations = new List<RuleViolation>();
        Open(protocol, violations);
        if (amended.EffectiveOn < protocol.Approval.ApprovedOn)
        {
            violations.Add(new("effectiveOn", "change-before-approval", "An amendment cannot take effect before the approval."));
        }

        CheckTerms(amended.EffectiveOn, amended.Terms, existingDatasetIds, "terms", violations);
        RuleViolationException.ThrowIfAny(violations);
        return amended;
    }

    /// <summary>Suspend, reinstate, terminate or close: the status change must make sense from the current status.</summary>
    public static T ChangeStatus<T>(IrbProtocol protocol, T change, DateOnly effectiveOn, IrbStatus to)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        var violations = new List<RuleViolation>();
        Open(protocol, violations);
        var from = protocol.CurrentStatus;
        if (violations.Count == 0 && (to, from) is (IrbStatus.Suspended, not IrbStatus.Active) or (IrbStatus.Active, not IrbStatus.Suspended))
        {
            violations.Add(new("status", "invalid-transition", $"A protocol that is {Names.Of(from)} cannot become {Names.Of(to)}."));
        }

        if (effectiveOn < protocol.StatusHistory[^1].EffectiveOn)
        {
            violations.Add(new("effectiveOn", "change-before-last-change",
                $"The change cannot take effect before the last status change ({protocol.StatusHistory[^1].EffectiveOn:yyyy-MM-dd})."));
        }

        RuleViolationException.ThrowIfAny(violations);
        return change;
    }

    private static void Open(IrbProtocol protocol, List<RuleViolation> violations)
    {
        if (protocol.CurrentStatus is IrbStatus.Terminated or IrbStatus.Closed)
        {
            violations.Add(new("protocolId", "protocol-ended", $"Protocol {protocol.Approval.ProtocolNumber} is {Names.Of(protocol.CurrentStatus)}: it takes no further changes."));
        }
    }

    private static void CheckTerms(DateOnly from, IrbTerms terms, ISet<Guid> existing, string field, List<RuleViolation> violations)
    {
        if (terms.ExpiresOn is { } expires && expires <= from)
        {
            violations.Add(new($"{field}.expiresOn", "expiry-before-approval", $"The approval expires ({expires:yyyy-MM-dd}) on or before it takes effect ({from:yyyy-MM-dd})."));
        }

        for (var i = 0; i < terms.CoveredDatasetIds.Count; i++)
        {
            if (!existing.Contains(terms.CoveredDatasetIds[i]))
            {
                violations.Add(new($"{field}.coveredDatasetIds[{i}]", "unknown-dataset", $"Dataset {terms.CoveredDatasetIds[i]} does not exist."));
            }
        }

        if (terms.CoveredDatasetIds.Distinct().Count() != terms.CoveredDatasetIds.Count)
        {
            violations.Add(new($"{field}.coveredDatasetIds", "duplicate-dataset", "A dataset is listed more than once."));
        }
    }
}
