using System.Text.Json;
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

    private static readonly string ApprovedOutcome = Names.Of(DecisionOutcome.Approved);
    private static readonly string RejectedOutcome = Names.Of(DecisionOutcome.Rejected);

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

    /// <summary>
    /// A page of events in a fixed number of statements (#7): new rows first, one insert per table,
    /// then one set-based update per kind of change. Every update is one whose result does not
    /// depend on the order of the events it folds together (a maximum, a sum, a flag, the latest
    /// of a toggle, appends in log order), so a page gives exactly the rows that applying its events
    /// one by one would (a test rebuilds with pages of 1, of 7 and of 5,000 and compares every row).
    /// A change to a row the same page creates is folded into that row before it is inserted (#22):
    /// a dataset is usually registered, given versions, licensed and decided on within a page, and
    /// a rebuild otherwise wrote most rows three times, each time with an entry in every index.
    /// </summary>
    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var page = new Page();
        foreach (var e in events)
        {
            page.Apply(e.Data, e.Position);
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

    /// <summary>
    /// What a page creates (rows kept in memory and folded until written) and what it changes in rows
    /// that may already exist (gathered, then written kind by kind). The ledger never creates a row
    /// twice (a dataset's or a model's registration opens its stream; a version's number is its
    /// stream's next; decision identifiers are the service's own), which is what lets a change to a
    /// row created in this page be folded into it instead of written after it.
    /// </summary>
    private sealed class Page
    {
        private readonly Dictionary<Guid, NewDataset> _newDatasets = [];
        private readonly Dictionary<(Guid, int), NewVersion> _newVersions = [];
        private readonly Dictionary<Guid, NewDecision> _newDecisions = [];
        private readonly Dictionary<Guid, NewModel> _newModels = [];

        // Rows in the order the page created them (each table's insert lists them in log order).
        private readonly List<NewDataset> _datasetRows = [];
        private readonly List<NewVersion> _versionRows = [];
        private readonly List<NewDecision> _decisionRows = [];
        private readonly List<NewModel> _modelRows = [];

        public List<(Guid Dataset, int Version, long Position)> VersionCounts { get; } = [];

        public List<(Guid Dataset, DatasetChange Change, string Value, long Position)> DatasetChanges { get; } = [];

        /// <summary>Versions whose de-identification status must be recomputed from the decisions table.</summary>
        public List<(Guid Dataset, int Version, long Position)> Decided { get; } = [];

        public List<(Guid Decision, long Position)> Rescinded { get; } = [];

        public List<(Guid Dataset, int Version, bool Quarantined, long Position)> Quarantine { get; } = [];

        public List<(Guid Dataset, int Version, long Subjects, DateOnly? ExcludeFrom, long Position)> Withdrawals { get; } = [];

        public List<(Guid Model, ModelChange Change, string Version, long Position)> ModelChanges { get; } = [];

        public void Apply(object data, long p)
        {
            switch (data)
            {
                case DatasetRegistered r:
                    if (!_newDatasets.ContainsKey(r.DatasetId))
                    {
                        var row = new NewDataset(r.DatasetId, r.Name, r.SourceInstitution, Names.Of(r.Modality), r.RegisteredAt, p) { LastPosition = p };
                        _newDatasets.Add(r.DatasetId, row);
                        _datasetRows.Add(row);
                    }

                    break;
                case DatasetVersionContributed c:
                    if (_newDatasets.TryGetValue(c.DatasetId, out var dataset))
                    {
                        dataset.VersionCount = Math.Max(dataset.VersionCount, c.Version);
                        dataset.LastPosition = p;
                    }
                    else
                    {
                        VersionCounts.Add((c.DatasetId, c.Version, p));
                    }

                    if (!_newVersions.ContainsKey((c.DatasetId, c.Version)))
                    {
                        var row = new NewVersion(c.DatasetId, c.Version, c.Fingerprint, c.RecordCount) { LastPosition = p };
                        _newVersions.Add((c.DatasetId, c.Version), row);
                        _versionRows.Add(row);
                    }

                    break;
                case DeidentificationDecided d:
                    if (!_newDecisions.ContainsKey(d.DecisionId))
                    {
                        var row = new NewDecision(d.DecisionId, d.DatasetId, d.Version, Names.Of(d.Method), Names.Of(d.Outcome));
                        _newDecisions.Add(d.DecisionId, row);
                        _decisionRows.Add(row);
                        Decide(row, p);
                    }

                    break;
                case DeidentificationRescinded r:
                    if (_newDecisions.TryGetValue(r.DecisionId, out var decision))
                    {
                        decision.Rescinded = true;
                        Decide(decision, p);
                    }
                    else
                    {
                        Rescinded.Add((r.DecisionId, p));
                    }

                    break;
                case Domain.Datasets.QuarantiningVersion.DatasetVersionQuarantined q:
                    Toggle(q.DatasetId, q.Version, true, p);
                    break;
                case Domain.Datasets.QuarantiningVersion.DatasetVersionReleased q:
                    Toggle(q.DatasetId, q.Version, false, p);
                    break;
                case Domain.Consent.ConsentWithdrawn w:
                    var excludeFrom = w.RequiredActions.Contains(Domain.Consent.ConsentAction.ExcludeFromFutureTraining) ? w.EffectiveOn : (DateOnly?)null;
                    if (_newVersions.TryGetValue((w.DatasetId, w.Version), out var withdrawnFrom))
                    {
                        withdrawnFrom.WithdrawnSubjects += w.SubjectCount;
                        if (excludeFrom is { } from && (withdrawnFrom.ExcludeFrom is null || from < withdrawnFrom.ExcludeFrom))
                        {
                            withdrawnFrom.ExcludeFrom = from;
                        }

                        withdrawnFrom.LastPosition = p;
                    }
                    else
                    {
                        Withdrawals.Add((w.DatasetId, w.Version, w.SubjectCount, excludeFrom, p));
                    }

                    break;
                case Domain.Models.ModelRegistered r:
                    if (!_newModels.ContainsKey(r.ModelId))
                    {
                        var row = new NewModel(r.ModelId, r.Name, r.Owner, r.Commercial, r.RegisteredAt, p) { LastPosition = p };
                        _newModels.Add(r.ModelId, row);
                        _modelRows.Add(row);
                    }

                    break;
                case Domain.Models.TrainingRunRecorded r:
                    ChangeModel(r.ModelId, ModelChange.Trained, r.ModelVersion, p);
                    break;
                case Domain.Models.TrainingClearanceOverridden o:
                    ChangeModel(o.ModelId, ModelChange.Overridden, "", p);
                    break;
                case Domain.Models.ModelVersionReleased r:
                    ChangeModel(r.ModelId, ModelChange.Released, r.ModelVersion, p);
                    break;
                case Domain.Models.ModelVersionWithdrawn w:
                    ChangeModel(w.ModelId, ModelChange.Withdrawn, w.ModelVersion, p);
                    break;
                case DatasetRetired r:
                    ChangeDataset(r.DatasetId, DatasetChange.Retired, "", p);
                    break;
                case LicenseGranted l:
                    ChangeDataset(l.DatasetId, DatasetChange.Licensed, Names.Of(l.Kind), p);
                    break;
            }
        }

        /// <summary>A decision made or rescinded: its version's status is recomputed, here if the page created the version.</summary>
        private void Decide(NewDecision decision, long p)
        {
            if (_newVersions.TryGetValue((decision.Dataset, decision.Version), out var version))
            {
                if (!version.Decisions.Contains(decision))
                {
                    version.Decisions.Add(decision);
                }

                version.LastPosition = p;
            }
            else
            {
                Decided.Add((decision.Dataset, decision.Version, p));
            }
        }

        private void Toggle(Guid datasetId, int versionNumber, bool quarantined, long p)
        {
            if (_newVersions.TryGetValue((datasetId, versionNumber), out var version))
            {
                version.Quarantined = quarantined;
                version.LastPosition = p;
            }
            else
            {
                Quarantine.Add((datasetId, versionNumber, quarantined, p));
            }
        }

        private void ChangeDataset(Guid datasetId, DatasetChange change, string value, long p)
        {
            if (!_newDatasets.TryGetValue(datasetId, out var dataset))
            {
                DatasetChanges.Add((datasetId, change, value, p));
                return;
            }

            if (change == DatasetChange.Retired)
            {
                dataset.Retired = true;
            }
            else if (!dataset.LicenseKinds.Contains(value))
            {
                dataset.LicenseKinds.Add(value);
            }

            dataset.LastPosition = p;
        }

        private void ChangeModel(Guid modelId, ModelChange change, string value, long p)
        {
            if (!_newModels.TryGetValue(modelId, out var model))
            {
                ModelChanges.Add((modelId, change, value, p));
                return;
            }

            switch (change)
            {
                case ModelChange.Trained when !model.Versions.Contains(value):
                    model.Versions.Add(value);
                    break;
                case ModelChange.Overridden:
                    model.OverriddenRuns++;
                    break;
                case ModelChange.Released:
                    model.Released.Add(value);
                    break;
                case ModelChange.Withdrawn:
                    model.Withdrawn.Add(value);
                    break;
            }

            model.LastPosition = p;
        }

        public void Write(ProjectionContext context)
        {
            var s = context.Schema;
            WriteNewRows(context);
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

        /// <summary>The rows this page created, as folded so far: one insert a table, skipped on conflict as every projection insert is.</summary>
        private void WriteNewRows(ProjectionContext context)
        {
            var s = context.Schema;
            if (_datasetRows.Count > 0)
            {
                var rows = _datasetRows;
                context.Write(
                    $"INSERT INTO {s}.{CatalogTables.Datasets} (dataset_id, name, source_institution, modality, registered_at, registered_position, last_position, " +
                    "version_count, retired, license_kinds) SELECT id, name, institution, modality, registered_at, registered_position, last_position, " +
                    "version_count, retired, string_to_array(kinds, ',') " +
                    "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bigint[], $7::bigint[], $8::integer[], $9::boolean[], $10::text[]) " +
                    "AS r(id, name, institution, modality, registered_at, registered_position, last_position, version_count, retired, kinds) ON CONFLICT DO NOTHING",
                    rows.Select(r => r.Id).ToArray(), rows.Select(r => r.Name).ToArray(), rows.Select(r => r.Institution).ToArray(),
                    rows.Select(r => r.Modality).ToArray(), rows.Select(r => r.RegisteredAt).ToArray(), rows.Select(r => r.RegisteredPosition).ToArray(),
                    rows.Select(r => r.LastPosition).ToArray(), rows.Select(r => r.VersionCount).ToArray(), rows.Select(r => r.Retired).ToArray(),
                    // License kinds are kebab-case names, never holding a comma.
                    rows.Select(r => string.Join(',', r.LicenseKinds)).ToArray());
            }

            if (_versionRows.Count > 0)
            {
                var rows = _versionRows;
                var statuses = rows.Select(r => r.Status()).ToArray();
                context.Write(
                    $"INSERT INTO {s}.{CatalogTables.Versions} (dataset_id, version, fingerprint, record_count, last_position, deidentification, deidentification_method, " +
                    "quarantined, consent_exclusion_from, withdrawn_subjects) SELECT * FROM unnest($1::uuid[], $2::integer[], $3::text[], $4::bigint[], $5::bigint[], " +
                    "$6::text[], $7::text[], $8::boolean[], $9::date[], $10::bigint[]) ON CONFLICT DO NOTHING",
                    rows.Select(r => r.Dataset).ToArray(), rows.Select(r => r.Version).ToArray(), rows.Select(r => r.Fingerprint).ToArray(),
                    rows.Select(r => r.RecordCount).ToArray(), rows.Select(r => r.LastPosition).ToArray(), statuses.Select(t => t.Status).ToArray(),
                    statuses.Select(t => t.Method).ToArray(), rows.Select(r => r.Quarantined).ToArray(), rows.Select(r => r.ExcludeFrom).ToArray(),
                    rows.Select(r => r.WithdrawnSubjects).ToArray());
            }

            if (_decisionRows.Count > 0)
            {
                var rows = _decisionRows;
                context.Write(
                    $"INSERT INTO {s}.{CatalogTables.Decisions} (decision_id, dataset_id, version, method, outcome, rescinded) " +
                    "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::integer[], $4::text[], $5::text[], $6::boolean[]) ON CONFLICT DO NOTHING",
                    rows.Select(r => r.Id).ToArray(), rows.Select(r => r.Dataset).ToArray(), rows.Select(r => r.Version).ToArray(),
                    rows.Select(r => r.Method).ToArray(), rows.Select(r => r.Outcome).ToArray(), rows.Select(r => r.Rescinded).ToArray());
            }

            if (_modelRows.Count > 0)
            {
                // Model versions are the steward's own strings: the lists travel as JSON arrays.
                var rows = _modelRows;
                context.Write(
                    $"INSERT INTO {s}.{CatalogTables.Models} (model_id, name, owner, commercial, registered_at, registered_position, last_position, " +
                    "versions, released_versions, withdrawn_versions, overridden_runs) SELECT id, name, owner, commercial, registered_at, registered_position, last_position, " +
                    "ARRAY(SELECT jsonb_array_elements_text(versions)), ARRAY(SELECT jsonb_array_elements_text(released)), " +
                    "ARRAY(SELECT jsonb_array_elements_text(withdrawn)), overridden " +
                    "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::timestamptz[], $6::bigint[], $7::bigint[], $8::jsonb[], $9::jsonb[], $10::jsonb[], $11::integer[]) " +
                    "AS r(id, name, owner, commercial, registered_at, registered_position, last_position, versions, released, withdrawn, overridden) ON CONFLICT DO NOTHING",
                    rows.Select(r => r.Id).ToArray(), rows.Select(r => r.Name).ToArray(), rows.Select(r => r.Owner).ToArray(),
                    rows.Select(r => r.Commercial).ToArray(), rows.Select(r => r.RegisteredAt).ToArray(), rows.Select(r => r.RegisteredPosition).ToArray(),
                    rows.Select(r => r.LastPosition).ToArray(), rows.Select(r => JsonSerializer.Serialize(r.Versions)).ToArray(),
                    rows.Select(r => JsonSerializer.Serialize(r.Released)).ToArray(), rows.Select(r => JsonSerializer.Serialize(r.Withdrawn)).ToArray(),
                    rows.Select(r => r.OverriddenRuns).ToArray());
            }
        }
    }

    private sealed record NewDataset(Guid Id, string Name, string Institution, string Modality, DateTimeOffset RegisteredAt, long RegisteredPosition)
    {
        public long LastPosition { get; set; }

        public int VersionCount { get; set; }

        public bool Retired { get; set; }

        public List<string> LicenseKinds { get; } = [];
    }

    private sealed record NewVersion(Guid Dataset, int Version, string Fingerprint, long RecordCount)
    {
        public long LastPosition { get; set; }

        public bool Quarantined { get; set; }

        public long WithdrawnSubjects { get; set; }

        public DateOnly? ExcludeFrom { get; set; }

        public List<NewDecision> Decisions { get; } = [];

        /// <summary>
        /// The status the decisions table's recompute would give this version from its decisions
        /// (all of which this page made): approved while an approved decision stands, the first
        /// standing approval's method by name; otherwise rescinded, rejected or none.
        /// </summary>
        public (string Status, string? Method) Status()
        {
            string? method = null;
            bool rescinded = false, rejected = false;
            foreach (var d in Decisions)
            {
                if (d.Outcome == ApprovedOutcome && !d.Rescinded && (method is null || string.CompareOrdinal(d.Method, method) < 0))
                {
                    // The method names differ in their first letter, so this order is the database's under any collation.
                    method = d.Method;
                }

                rescinded |= d.Rescinded;
                rejected |= d.Outcome == RejectedOutcome;
            }

            return method is not null ? ("approved", (string?)method) : rescinded ? ("rescinded", null) : rejected ? ("rejected", null) : ("none", null);
        }
    }

    private sealed class NewDecision(Guid id, Guid dataset, int version, string method, string outcome)
    {
        public Guid Id { get; } = id;

        public Guid Dataset { get; } = dataset;

        public int Version { get; } = version;

        public string Method { get; } = method;

        public string Outcome { get; } = outcome;

        public bool Rescinded { get; set; }
    }

    private sealed record NewModel(Guid Id, string Name, string Owner, bool Commercial, DateTimeOffset RegisteredAt, long RegisteredPosition)
    {
        public long LastPosition { get; set; }

        public List<string> Versions { get; } = [];

        public List<string> Released { get; } = [];

        public List<string> Withdrawn { get; } = [];

        public int OverriddenRuns { get; set; }
    }
}
