namespace Provenance.Integrity.Bundles;

/// <summary>
/// The wire names of the ledger's events that the offline verifier and the PROV builder read
/// (docs/events.md). The verifier stands alone, without the ledger's code, so it names them here,
/// once; a test checks each against the ledger's event catalog, so a renamed event cannot silently
/// leave a bundle check or a PROV statement behind.
/// </summary>
internal static class LedgerEventTypes
{
    public const string DatasetRegistered = "dataset.registered";
    public const string DatasetVersionContributed = "dataset.version-contributed";
    public const string DatasetVersionDerived = "dataset.version-derived";
    public const string ModelRegistered = "model.registered";
    public const string TrainingRunRecorded = "model.training-run-recorded";
    public const string IrbProtocolApproved = "irb.protocol-approved";
    public const string IrbProtocolAmended = "irb.protocol-amended";

    /// <summary>Every name above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        DatasetRegistered, DatasetVersionContributed, DatasetVersionDerived, ModelRegistered, TrainingRunRecorded, IrbProtocolApproved, IrbProtocolAmended,
    ];
}
