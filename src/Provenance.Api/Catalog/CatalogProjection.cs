using Npgsql;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.Domain.Datasets.RetiringDataset;
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

    public IReadOnlyList<string> Tables { get; } = ["rm_catalog_datasets"];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        await using var batch = context.Batch();
        var t = $"{context.Schema}.rm_catalog_datasets";
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case DatasetRegistered r:
                    ProjectionContext.Add(batch, $"INSERT INTO {t} (dataset_id, name, source_institution, modality, registered_at, registered_position, last_position) " +
                               "VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING",
                        r.DatasetId, r.Name, r.SourceInstitution, Names.Of(r.Modality), r.RegisteredAt, e.Position);
                    break;
                case DatasetVersionContributed v:
                    ProjectionContext.Add(batch, $"UPDATE {t} SET version_count = GREATEST(version_count, $2), last_position = $3 WHERE dataset_id = $1", v.DatasetId, v.Version, e.Position);
                    break;
                case DatasetRetired r:
                    ProjectionContext.Add(batch, $"UPDATE {t} SET retired = true, last_position = $2 WHERE dataset_id = $1", r.DatasetId, e.Position);
                    break;
                case LicenseGranted l:
                    ProjectionContext.Add(batch, $"UPDATE {t} SET license_kinds = CASE WHEN $2 = ANY(license_kinds) THEN license_kinds ELSE license_kinds || $2 END, " +
                               "last_position = $3 WHERE dataset_id = $1", l.DatasetId, Names.Of(l.Kind), e.Position);
                    break;
            }
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
