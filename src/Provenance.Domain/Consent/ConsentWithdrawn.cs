using Provenance.Domain.Common;
using Provenance.Domain.Datasets;

namespace Provenance.Domain.Consent;

/// <summary>What must happen after consent is withdrawn.</summary>
public enum ConsentAction
{
    ExcludeFromFutureTraining,
    RetrainAffectedModels,
}

/// <summary>
/// Subjects of a dataset version withdrew consent. A count, never who: the institution keeps the
/// list; the ledger records that it happened and what it requires.
/// </summary>
public sealed record ConsentWithdrawn(
    Guid DatasetId,
    int Version,
    Guid WithdrawalId,
    long SubjectCount,
    DateOnly EffectiveOn,
    IReadOnlyList<ConsentAction> RequiredActions,
    string EnteredBy,
    DateTimeOffset EnteredAt);

public static class WithdrawConsent
{
    public static ConsentWithdrawn Decide(
        Dataset dataset, Guid withdrawalId, int version, long subjectCount, DateOnly effectiveOn, IReadOnlyList<ConsentAction> actions, string by, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var violations = new List<RuleViolation>();
        var found = dataset.Version(version);
        if (found is null)
        {
            violations.Add(new("version", "unknown-version", $"Dataset {dataset.Id} has no version {version}."));
        }
        else if (subjectCount > found.RecordCount)
        {
            violations.Add(new("subjectCount", "more-subjects-than-records",
                $"{subjectCount} subjects cannot withdraw from a version of {found.RecordCount} records."));
        }

        if (subjectCount > dataset.PatientCount)
        {
            violations.Add(new("subjectCount", "more-subjects-than-patients",
                $"{subjectCount} subjects cannot withdraw from a dataset of {dataset.PatientCount} patients."));
        }

        RuleViolationException.ThrowIfAny(violations);
        return new ConsentWithdrawn(dataset.Id, version, withdrawalId, subjectCount, effectiveOn, actions, by, at);
    }
}
