using Provenance.Domain.Datasets.RegisteringDataset;

namespace Provenance.Domain.Common;

/// <summary>
/// Every event the ledger records, with its stable wire name and current schema version. A wire
/// name is never renamed or reused; a breaking change bumps the schema version and adds an upcaster.
/// </summary>
public static class EventCatalog
{
    public static IReadOnlyList<(Type ClrType, string Name, int SchemaVersion)> All { get; } =
    [
        (typeof(DatasetRegistered), "dataset.registered", 1),
    ];
}
