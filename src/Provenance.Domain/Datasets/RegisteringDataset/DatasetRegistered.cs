namespace Provenance.Domain.Datasets.RegisteringDataset;

/// <summary>
/// A data steward registered a dataset contribution. Counts only: the ledger never holds patient
/// rows or identifiers.
/// </summary>
public sealed record DatasetRegistered(
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
    DateTimeOffset RegisteredAt);
