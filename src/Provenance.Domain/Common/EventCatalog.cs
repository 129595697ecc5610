using Provenance.Domain.Access;
using Provenance.Domain.Consent;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Datasets.QuarantiningVersion;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.Domain.Datasets.RetiringDataset;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Irb;
using Provenance.Domain.Licenses;
using Provenance.Domain.Models;

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
        (typeof(DatasetVersionContributed), "dataset.version-contributed", 1),
        (typeof(DatasetVersionDerived), "dataset.version-derived", 1),
        (typeof(DatasetVersionQuarantined), "dataset.version-quarantined", 1),
        (typeof(DatasetVersionReleased), "dataset.version-released", 1),
        (typeof(DatasetRetired), "dataset.retired", 1),
        (typeof(DeidentificationDecided), "deidentification.decided", 1),
        (typeof(DeidentificationRescinded), "deidentification.rescinded", 1),
        (typeof(LicenseGranted), "license.granted", 1),
        (typeof(LicenseAmended), "license.amended", 1),
        (typeof(LicenseTerminated), "license.terminated", 1),
        (typeof(ConsentWithdrawn), "consent.withdrawn", 1),
        (typeof(IrbProtocolApproved), "irb.protocol-approved", 1),
        (typeof(IrbProtocolAmended), "irb.protocol-amended", 1),
        (typeof(IrbProtocolSuspended), "irb.protocol-suspended", 1),
        (typeof(IrbProtocolReinstated), "irb.protocol-reinstated", 1),
        (typeof(IrbProtocolTerminated), "irb.protocol-terminated", 1),
        (typeof(IrbProtocolClosed), "irb.protocol-closed", 1),
        (typeof(ModelRegistered), "model.registered", 1),
        (typeof(TrainingRunRecorded), "model.training-run-recorded", 1),
        (typeof(TrainingClearanceOverridden), "model.training-clearance-overridden", 1),
        (typeof(ModelVersionReleased), "model.version-released", 1),
        (typeof(ModelVersionWithdrawn), "model.version-withdrawn", 1),
        (typeof(RegulatoryStatusRecorded), "model.regulatory-status-recorded", 1),
        (typeof(ChangeControlPlanAuthorized), "model.change-control-plan-authorized", 1),
        (typeof(ModelReleaseOverridden), "model.release-overridden", 1),
        (typeof(PerformanceEvaluated), "model.performance-evaluated", 1),
        (typeof(MonitoringFindingRecorded), "model.monitoring-finding-recorded", 1),
        (typeof(ModelCardFactsRecorded), "model.card-facts-recorded", 1),
        (typeof(ApiKeyIssued), "access.api-key-issued", 1),
        (typeof(ApiKeyRevoked), "access.api-key-revoked", 1),
        (typeof(ApiKeyExpiryChanged), "access.api-key-expiry-changed", 1),
    ];

    /// <summary>The wire name of the event <typeparamref name="T"/>.</summary>
    public static string NameOf<T>() => All.First(e => e.ClrType == typeof(T)).Name;
}
