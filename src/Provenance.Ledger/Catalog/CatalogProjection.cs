using Npgsql;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.Domain.Datasets.RetiringDataset;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Licenses;
using Provenance.EventStore;
using Provenance.EventStore.Projections;

namespace Provenance.Ledger.Catalog;

/// <summary>
/// The dataset catalog: one row per dataset with what searches filter on. Asynchronous: a
/// background runner feeds it from the log, and searches wait (briefly) for it to reach the log's
/// head as of the request, so a steward still reads their own writes.
/// </summary>
internal sealed class CatalogProjection : IProjection
{
    public const string ProjectionName = "catalog";

    public string Name => ProjectionName;

    public IReadOnlyList<string> Tables { get; } = [CatalogTables.Datasets, CatalogTables.Versions, CatalogTables.Decisions, CatalogTables.Models];

    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(DatasetRegistered), typeof(DatasetVersionContributed), typeof(DeidentificationDecided), typeof(DeidentificationRescinded),
        typeof(Domain.Datasets.QuarantiningVersion.DatasetVersionQuarantined), typeof(Domain.Datasets.QuarantiningVersion.DatasetVersionReleased),
        typeof(Domain.Consent.ConsentWithdrawn), typeof(Domain.Models.ModelRegistered), typeof(Domain.Models.TrainingRunRecorded),
        typeof(Domain.Models.TrainingClearanceOverridden), typeof(Domain.Models.ModelVersionReleased), typeof(Domain.Models.ModelVersionWithdrawn),
        typeof(DatasetRetired), typeof(LicenseGranted),
    ];

    private static readonly string[] DatasetColumns = ["dataset_id", "name", "source_institution", "modality", "registered_at", "registered_position", "last_position"];
    private static readonly string[] VersionColumns = ["dataset_id", "version", "fingerprint", "record_count", "last_position"];
    private static readonly string[] DecisionColumns = ["decision_id", "dataset_id", "version", "method", "outcome"];
    private static readonly string[] ModelColumns = ["model_id", "name", "owner", "commercial", "registered_at", "registered_position", "last_position"];

    /// <summary>
    /// A page of events in a fixed number of statements (#7): new rows first, one insert per table,
    /// then one set-based update per kind of change. Every update is one whose result does not
    /// depend on the order of the events it folds together (a maximum, a sum, a flag, the latest
    /// of a toggle, appends in log order), so a page gives exactly the rows that applying its events
    /// one by one would (a test rebuilds with pages of 1 and of 5,000 and compares every row).
    /// </summary>
    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var page = new Page();
        foreach (var e in events)
        {
            var p = e.Position;
            switch (e.Data)
            {
                case DatasetRegistered r:
                    context.InsertInto(CatalogTables.Datasets, DatasetColumns, [r.DatasetId, r.Name, r.SourceInstitution, Names.Of(r.Modality), r.RegisteredAt, p, p]);
                    break;
                case DatasetVersionContributed c:
                    context.InsertInto(CatalogTables.Versions, VersionColumns, [c.DatasetId, c.Version, c.Fingerprint, c.RecordCount, p]);
                    page.VersionCounts.Add((c.DatasetId, c.Version, p));
                    break;
                case DeidentificationDecided d:
                    context.InsertInto(CatalogTables.Decisions, DecisionColumns, [d.DecisionId, d.DatasetId, d.Version, Names.Of(d.Method), Names.Of(d.Outcome)]);
                    page.Decided.Add((d.DatasetId, d.Version, p));
                    break;
                case DeidentificationRescinded r:
                    page.Rescinded.Add((r.DecisionId, p));
                    break;
                case Domain.Datasets.QuarantiningVersion.DatasetVersionQuarantined q:
                    page.Quarantine.Add((q.DatasetId, q.Version, true, p));
                    break;
                case Domain.Datasets.QuarantiningVersion.DatasetVersionReleased q:
                    page.Quarantine.Add((q.DatasetId, q.Version, false, p));
                    break;
                case Domain.Consent.ConsentWithdrawn w:
                    page.Withdrawals.Add((w.DatasetId, w.Version, w.SubjectCount,
                        w.RequiredActions.Contains(Domain.Consent.ConsentAction.ExcludeFromFutureTraining) ? w.EffectiveOn : null, p));
                    break;
                case Domain.Models.ModelRegistered r:
                    context.InsertInto(CatalogTables.Models, ModelColumns, [r.ModelId, r.Name, r.Owner, r.Commercial, r.RegisteredAt, p, p]);
                    break;
                case Domain.Models.TrainingRunRecorded r:
                    page.ModelChanges.Add((r.ModelId, ModelChange.Trained, r.ModelVersion, p));
                    break;
                case Domain.Models.TrainingClearanceOverridden o:
                    page.ModelChanges.Add((o.ModelId, ModelChange.Overridden, "", p));
                    break;
                case Domain.Models.ModelVersionReleased r:
                    page.ModelChanges.Add((r.ModelId, ModelChange.Released, r.ModelVersion, p));
                    break;
                case Domain.Models.ModelVersionWithdrawn w:
                    page.ModelChanges.Add((w.ModelId, ModelChange.Withdrawn, w.ModelVersion, p));
                    break;
                case DatasetRetired r:
                    page.DatasetChanges.Add((r.DatasetId, DatasetChange.Retired, "", p));
                    break;
                case LicenseGranted l:
                    page.DatasetChanges.Add((l.DatasetId, DatasetChange.Licensed, Names.Of(l.Kind), p));
                    break;
            }
        }

        page.Write(context);
        return Task.CompletedTask;
    }

    private enum DatasetChange
    {
        Retired,
        Licensed,
    }

    private enum ModelChange
    {
        Trained,
        Overridden,
        Released,
        Withdrawn,
    }

    /// <summary>What a page changes in rows that may already exist, gathered, then written kind by kind.</summary>
    private sealed class Page
    {
        public List<(Guid Dataset, int Version, long Position)> VersionCounts { get; } = [];

        public List<(Guid Dataset, DatasetChange Change, string Value, long Position)> DatasetChanges { get; } = [];

        public List<(Guid Dataset, int Version, long Position)> Decided { get; } = [];

        public List<(Guid Decision, long Position)> Rescinded { get; } = [];

        public List<(Guid Dataset, int Version, bool Quarantined, long Position)> Quarantine { get; } = [];

        public List<(Guid Dataset, int Version, long Subjects, DateOnly? ExcludeFrom, long Position)> Withdrawals { get; } = [];

        public List<(Guid Model, ModelChange Change, string Version, long Position)> ModelChanges { get; } = [];

        public void Write(ProjectionContext context)
        {
            var s = context.Schema;
            if (VersionCounts.Count > 0)
            {
                context.Write(
                    $"UPDATE {s}.{CatalogTables.Datasets} d SET version_count = GREATEST(d.version_count, u.version), last_position = GREATEST(d.last_position, u.position) " +
                    "FROM (SELECT id, max(version) AS version, max(position) AS position FROM unnest($1::uuid[], $2::integer[], $3::bigint[]) AS c(id, version, position) GROUP BY id) u " +
                    "WHERE d.dataset_id = u.id",
                    VersionCounts.Select(c => c.Dataset).ToArray(), VersionCounts.Select(c => c.Version).ToArray(), VersionCounts.Select(c => c.Position).ToArray());
            }

            if (DatasetChanges.Count > 0)
            {
                // Retired is a flag; license kinds are appended in log order, each the first time it is granted.
                context.Write(
                    $"UPDATE {s}.{CatalogTables.Datasets} d SET retired = d.retired OR u.retired, " +
                    "license_kinds = d.license_kinds || ARRAY(SELECT k.kind FROM unnest(u.kinds) WITH ORDINALITY AS k(kind, n) " +
                    "WHERE k.kind <> ALL(d.license_kinds) GROUP BY k.kind ORDER BY min(k.n)), " +
                    "last_position = GREATEST(d.last_position, u.position) " +
                    "FROM (SELECT id, bool_or(change = 0) AS retired, coalesce(array_agg(value ORDER BY position) FILTER (WHERE change = 1), '{}') AS kinds, " +
                    "max(position) AS position FROM unnest($1::uuid[], $2::integer[], $3::text[], $4::bigint[]) AS c(id, change, value, position) GROUP BY id) u " +
                    "WHERE d.dataset_id = u.id",
                    DatasetChanges.Select(c => c.Dataset).ToArray(), DatasetChanges.Select(c => (int)c.Change).ToArray(),
                    DatasetChanges.Select(c => c.Value).ToArray(), DatasetChanges.Select(c => c.Position).ToArray());
            }

            if (Rescinded.Count > 0)
            {
                context.Write($"UPDATE {s}.{CatalogTables.Decisions} SET rescinded = true WHERE decision_id = ANY($1)", Rescinded.Select(r => r.Decision).ToArray());
            }

            if (Quarantine.Count > 0)
            {
                // A toggle: the latest event for each version decides.
                context.Write(
                    $"UPDATE {s}.{CatalogTables.Versions} v SET quarantined = u.quarantined, last_position = GREATEST(v.last_position, u.position) " +
                    "FROM (SELECT DISTINCT ON (id, version) id, version, quarantined, position " +
                    "FROM unnest($1::uuid[], $2::integer[], $3::boolean[], $4::bigint[]) AS q(id, version, quarantined, position) ORDER BY id, version, position DESC) u " +
                    "WHERE v.dataset_id = u.id AND v.version = u.version",
                    Quarantine.Select(q => q.Dataset).ToArray(), Quarantine.Select(q => q.Version).ToArray(),
                    Quarantine.Select(q => q.Quarantined).ToArray(), Quarantine.Select(q => q.Position).ToArray());
            }

            if (Withdrawals.Count > 0)
            {
                context.Write(
                    $"UPDATE {s}.{CatalogTables.Versions} v SET withdrawn_subjects = v.withdrawn_subjects + u.subjects, " +
                    "consent_exclusion_from = CASE WHEN u.exclude_from IS NULL THEN v.consent_exclusion_from ELSE LEAST(coalesce(v.consent_exclusion_from, u.exclude_from), u.exclude_from) END, " +
                    "last_position = GREATEST(v.last_position, u.position) " +
                    "FROM (SELECT id, version, sum(subjects)::bigint AS subjects, min(exclude_from) AS exclude_from, max(position) AS position " +
                    "FROM unnest($1::uuid[], $2::integer[], $3::bigint[], $4::date[], $5::bigint[]) AS w(id, version, subjects, exclude_from, position) GROUP BY id, version) u " +
                    "WHERE v.dataset_id = u.id AND v.version = u.version",
                    Withdrawals.Select(w => w.Dataset).ToArray(), Withdrawals.Select(w => w.Version).ToArray(), Withdrawals.Select(w => w.Subjects).ToArray(),
                    Withdrawals.Select(w => w.ExcludeFrom).ToArray(), Withdrawals.Select(w => w.Position).ToArray());
            }

            if (Decided.Count > 0 || Rescinded.Count > 0)
            {
                // A version's de-identification status: approved while an approved decision stands; otherwise
                // rescinded, rejected or none. (Whether that clears it on a day is the clearance function's call.)
                // Recomputed once for every version a decision or a rescission of this page touched.
                context.Write(
                    $"UPDATE {s}.{CatalogTables.Versions} v SET deidentification = st.status, deidentification_method = st.method, " +
                    "last_position = GREATEST(v.last_position, t.position) " +
                    "FROM (SELECT id, version, max(position) AS position FROM (" +
                    "SELECT * FROM unnest($1::uuid[], $2::integer[], $3::bigint[]) UNION ALL " +
                    $"SELECT d.dataset_id, d.version, r.position FROM unnest($4::uuid[], $5::bigint[]) AS r(id, position) JOIN {s}.{CatalogTables.Decisions} d ON d.decision_id = r.id" +
                    ") AS x(id, version, position) GROUP BY id, version) t " +
                    "CROSS JOIN LATERAL (SELECT CASE WHEN bool_or(outcome = 'approved' AND NOT rescinded) THEN 'approved' WHEN bool_or(rescinded) THEN 'rescinded' " +
                    "WHEN bool_or(outcome = 'rejected') THEN 'rejected' ELSE 'none' END AS status, " +
                    "min(method) FILTER (WHERE outcome = 'approved' AND NOT rescinded) AS method " +
                    $"FROM {s}.{CatalogTables.Decisions} WHERE dataset_id = t.id AND version = t.version) st " +
                    "WHERE v.dataset_id = t.id AND v.version = t.version",
                    Decided.Select(d => d.Dataset).ToArray(), Decided.Select(d => d.Version).ToArray(), Decided.Select(d => d.Position).ToArray(),
                    Rescinded.Select(r => r.Decision).ToArray(), Rescinded.Select(r => r.Position).ToArray());
            }

            if (ModelChanges.Count > 0)
            {
                // Trained versions are appended once each, in log order; releases and withdrawals are appended as they come.
                context.Write(
                    $"UPDATE {s}.{CatalogTables.Models} m SET " +
                    "versions = m.versions || ARRAY(SELECT k.version FROM unnest(u.trained) WITH ORDINALITY AS k(version, n) " +
                    "WHERE k.version <> ALL(m.versions) GROUP BY k.version ORDER BY min(k.n)), " +
                    "overridden_runs = m.overridden_runs + u.overrides, released_versions = m.released_versions || u.released, " +
                    "withdrawn_versions = m.withdrawn_versions || u.withdrawn, last_position = GREATEST(m.last_position, u.position) " +
                    "FROM (SELECT id, coalesce(array_agg(version ORDER BY position) FILTER (WHERE change = 0), '{}') AS trained, " +
                    "count(*) FILTER (WHERE change = 1)::integer AS overrides, " +
                    "coalesce(array_agg(version ORDER BY position) FILTER (WHERE change = 2), '{}') AS released, " +
                    "coalesce(array_agg(version ORDER BY position) FILTER (WHERE change = 3), '{}') AS withdrawn, max(position) AS position " +
                    "FROM unnest($1::uuid[], $2::integer[], $3::text[], $4::bigint[]) AS c(id, change, version, position) GROUP BY id) u " +
                    "WHERE m.model_id = u.id",
                    ModelChanges.Select(c => c.Model).ToArray(), ModelChanges.Select(c => (int)c.Change).ToArray(),
                    ModelChanges.Select(c => c.Version).ToArray(), ModelChanges.Select(c => c.Position).ToArray());
            }
        }
    }
}
