using Npgsql;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Irb;
using Provenance.Domain.Models;
using Provenance.EventStore;
using Provenance.EventStore.Projections;

namespace Provenance.Ledger.Lineage;

/// <summary>
/// The lineage graph: dataset versions, derivations, training runs and their inputs, and which
/// IRB protocols covered which datasets. Applied inline, so a lineage query never lags the log.
/// </summary>
internal sealed class LineageProjection : IProjection
{
    public string Name => "lineage";

    public IReadOnlyList<string> Tables { get; } =
    [
        LineageTables.DatasetVersions, LineageTables.Derivations, LineageTables.TrainingRuns, LineageTables.TrainingInputs, LineageTables.IrbCoverage,
        LineageTables.RunUpstream,
    ];

    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(DatasetVersionContributed), typeof(DatasetVersionDerived), typeof(TrainingRunRecorded), typeof(TrainingClearanceOverridden),
        typeof(IrbProtocolApproved), typeof(IrbProtocolAmended),
    ];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var s = context.Schema;
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case DatasetVersionContributed v:
                    context.Insert(LineageTables.DatasetVersions,
                        v.DatasetId, v.Version, v.Fingerprint, v.RecordCount, v.ContributedAt, e.Position);
                    break;
                case DatasetVersionDerived d:
                    foreach (var parent in d.Parents)
                    {
                        context.Insert(LineageTables.Derivations,
                            d.DatasetId, d.Version, parent.DatasetId, parent.Version, Domain.Common.Names.Of(d.Transformation), e.Position);
                    }

                    break;
                case TrainingRunRecorded r:
                    context.Insert(LineageTables.TrainingRuns, r.RunId, r.ModelId, r.ModelVersion, r.StartedAt, r.FinishedAt, false, e.Position);
                    foreach (var input in r.Inputs)
                    {
                        context.Insert(LineageTables.TrainingInputs,
                            r.RunId, input.DatasetId, input.Version, input.Fingerprint, e.Position);
                    }

                    // A run's upstream never changes: every ancestor of its inputs was recorded with the
                    // version derived from it, before the run. So it is walked once, here.
                    context.Write(RunUpstreamSql(s),
                        r.RunId, r.Inputs.Select(i => i.DatasetId).ToArray(), r.Inputs.Select(i => i.Version).ToArray(), e.Position);

                    break;
                case TrainingClearanceOverridden o:
                    // The one update of the graph: it lands in the same append as the run itself,
                    // so "as of" any position still sees a run with its flag or not at all.
                    context.Write($"UPDATE {s}.{LineageTables.TrainingRuns} SET overridden = true WHERE run_id = $1", o.RunId);
                    break;
                case IrbProtocolApproved a:
                    Cover(context, a.ProtocolId, a.Terms, e.Position);
                    break;
                case IrbProtocolAmended a:
                    Cover(context, a.ProtocolId, a.Terms, e.Position);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private static string RunUpstreamSql(string s) =>
        $"INSERT INTO {s}.{LineageTables.RunUpstream} " +
        "WITH RECURSIVE w(dataset_id, version) AS (SELECT * FROM unnest($2::uuid[], $3::integer[]) " +
        $"UNION SELECT n.* FROM w CROSS JOIN LATERAL (SELECT d.parent_dataset_id, d.parent_version FROM {s}.{LineageTables.Derivations} d " +
        "WHERE d.dataset_id = w.dataset_id AND d.version = w.version OFFSET 0) n) " +
        "SELECT $1, d.dataset_id, d.version, d.parent_dataset_id, d.parent_version, d.transformation, $4 FROM w CROSS JOIN LATERAL " +
        $"(SELECT * FROM {s}.{LineageTables.Derivations} d WHERE d.dataset_id = w.dataset_id AND d.version = w.version OFFSET 0) d ON CONFLICT DO NOTHING";

    private static void Cover(ProjectionContext context, Guid protocolId, IrbTerms terms, long position)
    {
        foreach (var datasetId in terms.CoveredDatasetIds)
        {
            context.Insert(LineageTables.IrbCoverage, protocolId, datasetId, position);
        }
    }
}
