using Provenance.Domain.Common;

namespace Provenance.Domain.Datasets.RegisteringDataset;

/// <summary>Register a dataset contribution.</summary>
public sealed record RegisterDataset(
    Guid DatasetId,
    string Name,
    string Description,
    string Steward,
    string SourceInstitution,
    Modality Modality,
    DateOnly CollectionStart,
    DateOnly CollectionEnd,
    long RecordCount,
    long PatientCount,
    string RegisteredBy,
    DateTimeOffset RegisteredAt)
{
    /// <summary>The events registering the dataset decides, or the rules it breaks.</summary>
    public static DatasetRegistered Decide(RegisterDataset command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var violations = new List<RuleViolation>();
        if (command.CollectionEnd < command.CollectionStart)
        {
            violations.Add(new("collectionPeriod.end", "collection-period-reversed",
                $"The collection period ends ({command.CollectionEnd:yyyy-MM-dd}) before it starts ({command.CollectionStart:yyyy-MM-dd})."));
        }

        if (DateOnly.FromDateTime(command.RegisteredAt.UtcDateTime) < command.CollectionStart)
        {
            violations.Add(new("collectionPeriod.start", "collection-in-future",
                $"The collection period starts ({command.CollectionStart:yyyy-MM-dd}) after the dataset is registered."));
        }

        if (command.PatientCount > command.RecordCount)
        {
            violations.Add(new("patientCount", "more-patients-than-records",
                $"The dataset cannot cover more patients ({command.PatientCount}) than it has records ({command.RecordCount})."));
        }

        RuleViolationException.ThrowIfAny(violations);
        return new DatasetRegistered(
            command.DatasetId, command.Name, command.Description, command.Steward, command.SourceInstitution,
            command.Modality, command.CollectionStart, command.CollectionEnd, command.RecordCount, command.PatientCount,
            command.RegisteredBy, command.RegisteredAt);
    }
}
