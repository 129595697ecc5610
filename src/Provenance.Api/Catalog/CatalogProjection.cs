using Npgsql;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.Domain.Datasets.RetiringDataset;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Licenses;
using Provenance.EventStore;
using Provenance.EventStore.Projections;

namespace Provenance.Api.Catalog;

/// <summary>
/// The dataset catalog: one row per dataset with what searches filter on. Asynchronous: a
/// background runner feeds it from the log, and searches wait (briefly) for it to reach the log's
/// head as of the request, so a steward still reads their own writes.
/// </summary>
internal sealed class CatalogProjection : IProjection
{
    public string Name => "catalog";

    public IReadOnlyList<string> Tables { get; } = ["rm_catalog_datasets", "rm_catalog_versions", "rm_catalog_decisions", "rm_catalog_models"];

    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(DatasetRegistered), typeof(DatasetVersionContributed), typeof(DeidentificationDecided), typeof(DeidentificationRescinded),
        typeof(Domain.Datasets.QuarantiningVersion.DatasetVersionQuarantined), typeof(Domain.Datasets.QuarantiningVersion.DatasetVersionReleased),
        typeof(Domain.Consent.ConsentWithdrawn), typeof(Domain.Models.ModelRegistered), typeof(Domain.Models.TrainingRunRecorded),
        typeof(Domain.Models.TrainingClearanceOverridden), typeof(Domain.Models.ModelVersionReleased), typeof(Domain.Models.ModelVersionWithdrawn),
        typeof(DatasetRetired), typeof(LicenseGranted),
    ];

    // A version's de-identification status: approved while an approved decision stands; otherwise
    // rescinded, rejected or none. (Whether that clears it on a day is the clearance function's call.)
    private static string RecomputeDeidentification(string schema, string datasetId, string version, string position) =>
        $"UPDATE {schema}.rm_catalog_versions v SET " +
        "deidentification = s.status, deidentification_method = s.method, last_position = " + position + " FROM (" +
        "SELECT CASE WHEN bool_or(outcome = 'approved' AND NOT rescinded) THEN 'approved' WHEN bool_or(rescinded) THEN 'rescinded' " +
        "WHEN bool_or(outcome = 'rejected') THEN 'rejected' ELSE 'none' END AS status, " +
        "min(method) FILTER (WHERE outcome = 'approved' AND NOT rescinded) AS method " +
        $"FROM {schema}.rm_catalog_decisions WHERE dataset_id = {datasetId} AND version = {version}) s " +
        $"WHERE v.dataset_id = {datasetId} AND v.version = {version}";

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var t = $"{context.Schema}.rm_catalog_datasets";
        var v = $"{context.Schema}.rm_catalog_versions";
        var m = $"{context.Schema}.rm_catalog_models";
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case DatasetRegistered r:
                    context.Write($"INSERT INTO {t} (dataset_id, name, source_institution, modality, registered_at, registered_position, last_position) " +
                               "VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING",
                        r.DatasetId, r.Name, r.SourceInstitution, Names.Of(r.Modality), r.RegisteredAt, e.Position);
                    break;
                case DatasetVersionContributed c:
                    context.Write($"UPDATE {t} SET version_count = GREATEST(version_count, $2), last_position = $3 WHERE dataset_id = $1", c.DatasetId, c.Version, e.Position);
                    context.Write($"INSERT INTO {v} (dataset_id, version, fingerprint, record_count, last_position) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                        c.DatasetId, c.Version, c.Fingerprint, c.RecordCount, e.Position);
                    break;
                case DeidentificationDecided d:
                    context.Write($"INSERT INTO {context.Schema}.rm_catalog_decisions VALUES ($1, $2, $3, $4, $5, false) ON CONFLICT DO NOTHING",
                        d.DecisionId, d.DatasetId, d.Version, Names.Of(d.Method), Names.Of(d.Outcome));
                    context.Write(RecomputeDeidentification(context.Schema, "$1", "$2", "$3"), d.DatasetId, d.Version, e.Position);
                    break;
                case DeidentificationRescinded r:
                    context.Write($"UPDATE {context.Schema}.rm_catalog_decisions SET rescinded = true WHERE decision_id = $1", r.DecisionId);
                    context.Write(RecomputeDeidentification(context.Schema,
                        $"(SELECT dataset_id FROM {context.Schema}.rm_catalog_decisions WHERE decision_id = $1)",
                        $"(SELECT version FROM {context.Schema}.rm_catalog_decisions WHERE decision_id = $1)", "$2"), r.DecisionId, e.Position);
                    break;
                case Domain.Datasets.QuarantiningVersion.DatasetVersionQuarantined q:
                    context.Write($"UPDATE {v} SET quarantined = true, last_position = $3 WHERE dataset_id = $1 AND version = $2", q.DatasetId, q.Version, e.Position);
                    break;
                case Domain.Datasets.QuarantiningVersion.DatasetVersionReleased q:
                    context.Write($"UPDATE {v} SET quarantined = false, last_position = $3 WHERE dataset_id = $1 AND version = $2", q.DatasetId, q.Version, e.Position);
                    break;
                case Domain.Consent.ConsentWithdrawn w:
                    context.Write($"UPDATE {v} SET withdrawn_subjects = withdrawn_subjects + $3, " +
                                                 "consent_exclusion_from = CASE WHEN $4 THEN LEAST(coalesce(consent_exclusion_from, $5), $5) ELSE consent_exclusion_from END, " +
                                                 "last_position = $6 WHERE dataset_id = $1 AND version = $2",
                        w.DatasetId, w.Version, w.SubjectCount, w.RequiredActions.Contains(Domain.Consent.ConsentAction.ExcludeFromFutureTraining), w.EffectiveOn, e.Position);
                    break;
                case Domain.Models.ModelRegistered r:
                    context.Write($"INSERT INTO {m} (model_id, name, owner, commercial, registered_at, registered_position, last_position) " +
                                                 "VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING", r.ModelId, r.Name, r.Owner, r.Commercial, r.RegisteredAt, e.Position);
                    break;
                case Domain.Models.TrainingRunRecorded r:
                    context.Write($"UPDATE {m} SET versions = CASE WHEN $2 = ANY(versions) THEN versions ELSE versions || $2 END, last_position = $3 WHERE model_id = $1",
                        r.ModelId, r.ModelVersion, e.Position);
                    break;
                case Domain.Models.TrainingClearanceOverridden o:
                    context.Write($"UPDATE {m} SET overridden_runs = overridden_runs + 1, last_position = $2 WHERE model_id = $1", o.ModelId, e.Position);
                    break;
                case Domain.Models.ModelVersionReleased r:
                    context.Write($"UPDATE {m} SET released_versions = released_versions || $2, last_position = $3 WHERE model_id = $1", r.ModelId, r.ModelVersion, e.Position);
                    break;
                case Domain.Models.ModelVersionWithdrawn w:
                    context.Write($"UPDATE {m} SET withdrawn_versions = withdrawn_versions || $2, last_position = $3 WHERE model_id = $1", w.ModelId, w.ModelVersion, e.Position);
                    break;
                case DatasetRetired r:
                    context.Write($"UPDATE {t} SET retired = true, last_position = $2 WHERE dataset_id = $1", r.DatasetId, e.Position);
                    break;
                case LicenseGranted l:
                    context.Write($"UPDATE {t} SET license_kinds = CASE WHEN $2 = ANY(license_kinds) THEN license_kinds ELSE license_kinds || $2 END, " +
                               "last_position = $3 WHERE dataset_id = $1", l.DatasetId, Names.Of(l.Kind), e.Position);
                    break;
            }
        }

        return Task.CompletedTask;
    }
}
