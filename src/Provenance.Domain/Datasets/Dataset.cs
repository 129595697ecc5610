using Provenance.Domain.Datasets.RegisteringDataset;

namespace Provenance.Domain.Datasets;

/// <summary>A dataset's current state, folded from its stream.</summary>
public sealed record Dataset(
    Guid Id,
    string Name,
    string Description,
    string Steward,
    string SourceInstitution,
    Modality Modality,
    DateOnly CollectionStart,
    DateOnly CollectionEnd,
    long RecordCount,
    long PatientCount,
    DatasetStatus Status,
    string RegisteredBy,
    DateTimeOffset RegisteredAt)
{
    public static Dataset Create(DatasetRegistered registered)
    {
        ArgumentNullException.ThrowIfNull(registered);
        return new Dataset(
            registered.DatasetId, registered.Name, registered.Description, registered.Steward, registered.SourceInstitution,
            registered.Modality, registered.CollectionStart, registered.CollectionEnd, registered.RecordCount,
            registered.PatientCount, DatasetStatus.Active, registered.RegisteredBy, registered.RegisteredAt);
    }

    /// <summary>Folds a dataset stream's events, in order, into its state.</summary>
    public static Dataset? Fold(IEnumerable<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        Dataset? state = null;
        foreach (var @event in events)
        {
            state = (state, @event) switch
            {
                (null, DatasetRegistered registered) => Create(registered),
                _ => throw new InvalidOperationException($"A {@event.GetType().Name} cannot be applied to dataset {state?.Id}."),
            };
        }

        return state;
    }
}

/// <summary>Where a dataset stands.</summary>
public enum DatasetStatus
{
    Active,
}
