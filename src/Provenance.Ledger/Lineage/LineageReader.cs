using Npgsql;
using NpgsqlTypes;
using Provenance.Domain.Datasets;
using Provenance.EventStore;

namespace Provenance.Ledger.Lineage;

/// <summary>A training run in the lineage graph.</summary>
public sealed record RunRow(Guid RunId, Guid ModelId, string ModelVersion, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, bool Overridden);

/// <summary>A derivation edge: a dataset version made from a parent version.</summary>
public sealed record DerivationRow(DatasetVersionRef Child, DatasetVersionRef Parent, string Transformation);

/// <summary>A training run's use of a dataset version.</summary>
public sealed record InputRow(Guid RunId, DatasetVersionRef Version, string Fingerprint);

/// <summary>
/// Reads the lineage graph tables, always bounded by a log position so that a query "as of" an
/// instant sees exactly the graph as it stood then. Walks go through recursive SQL, one round trip each.
/// </summary>
internal sealed class LineageReader(NpgsqlDataSource dataSource, EventStoreOptions options)
{
    private readonly string _s = SqlIdentifier.Quote(options.Schema);

    public async Task<IReadOnlyList<RunRow>> RunsOfModelVersionAsync(Guid modelId, string modelVersion, long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT run_id, model_id, model_version, started_at, finished_at, overridden FROM {_s}.{LineageTables.TrainingRuns} " +
            "WHERE model_id = @model AND model_version = @version AND position <= @p ORDER BY started_at, run_id");
        command.Parameters.Add(new NpgsqlParameter<Guid>("model", modelId));
        command.Parameters.Add(new NpgsqlParameter<string>("version", modelVersion));
        command.Parameters.Add(new NpgsqlParameter<long>("p", position));
        return await ReadRunsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<InputRow>> InputsAsync(IReadOnlyCollection<Guid> runIds, long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT run_id, dataset_id, version, fingerprint FROM {_s}.{LineageTables.TrainingInputs} WHERE run_id = ANY(@runs) AND position <= @p");
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("runs", runIds.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long>("p", position));
        var rows = new List<InputRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new InputRow(reader.GetGuid(0), new DatasetVersionRef(reader.GetGuid(1), reader.GetInt32(2)), reader.GetString(3)));
        }

        return rows;
    }

    /// <summary>Every derivation edge reachable upstream (towards the original contributions) from the given versions.</summary>
    public Task<IReadOnlyList<DerivationRow>> UpstreamAsync(IReadOnlyCollection<DatasetVersionRef> from, long position, CancellationToken cancellationToken) =>
        WalkAsync(from, position, upstream: true, cancellationToken);

    /// <summary>Every derivation edge upstream of the runs' inputs, as walked when each run was recorded (one range scan per run).</summary>
    public async Task<IReadOnlyList<DerivationRow>> UpstreamOfRunsAsync(IReadOnlyCollection<Guid> runIds, long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT DISTINCT dataset_id, version, parent_dataset_id, parent_version, transformation FROM {_s}.{LineageTables.RunUpstream} " +
            "WHERE run_id = ANY(@runs) AND position <= @p");
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("runs", runIds.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long>("p", position));
        return await ReadDerivationsAsync(command, cancellationToken);
    }

    /// <summary>Every derivation edge reachable downstream (towards derived data) from the given versions.</summary>
    public Task<IReadOnlyList<DerivationRow>> DownstreamAsync(IReadOnlyCollection<DatasetVersionRef> from, long position, CancellationToken cancellationToken) =>
        WalkAsync(from, position, upstream: false, cancellationToken);

    /// <summary>The training runs that used any of the given versions directly.</summary>
    public async Task<IReadOnlyList<RunRow>> RunsUsingAsync(IReadOnlyCollection<DatasetVersionRef> versions, long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT DISTINCT r.run_id, r.model_id, r.model_version, r.started_at, r.finished_at, r.overridden " +
            $"FROM unnest(@ids, @versions) AS v(dataset_id, version) CROSS JOIN LATERAL " +
            $"(SELECT run_id FROM {_s}.{LineageTables.TrainingInputs} i WHERE i.dataset_id = v.dataset_id AND i.version = v.version AND i.position <= @p OFFSET 0) i " +
            $"JOIN {_s}.{LineageTables.TrainingRuns} r ON r.run_id = i.run_id AND r.position <= @p ORDER BY r.started_at, r.run_id");
        AddVersions(command, versions);
        command.Parameters.Add(new NpgsqlParameter<long>("p", position));
        return await ReadRunsAsync(command, cancellationToken);
    }

    /// <summary>The datasets an IRB protocol covered at any time up to the position.</summary>
    public async Task<IReadOnlyList<Guid>> DatasetsCoveredByAsync(Guid protocolId, long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT dataset_id FROM {_s}.{LineageTables.IrbCoverage} WHERE protocol_id = @protocol AND position <= @p ORDER BY position, dataset_id");
        command.Parameters.Add(new NpgsqlParameter<Guid>("protocol", protocolId));
        command.Parameters.Add(new NpgsqlParameter<long>("p", position));
        return await ReadGuidsAsync(command, cancellationToken);
    }

    /// <summary>The protocols that covered any of the datasets at any time up to the position.</summary>
    public async Task<IReadOnlyList<Guid>> ProtocolsCoveringAsync(IReadOnlyCollection<Guid> datasetIds, long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT DISTINCT c.protocol_id FROM unnest(@ids) AS i(id) CROSS JOIN LATERAL " +
            $"(SELECT protocol_id FROM {_s}.{LineageTables.IrbCoverage} c WHERE c.dataset_id = i.id AND c.position <= @p OFFSET 0) c");
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", datasetIds.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long>("p", position));
        return await ReadGuidsAsync(command, cancellationToken);
    }

    /// <summary>The versions of the given datasets that existed at the position.</summary>
    public async Task<IReadOnlyList<DatasetVersionRef>> VersionsOfAsync(IReadOnlyCollection<Guid> datasetIds, long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT v.dataset_id, v.version FROM unnest(@ids) AS i(id) CROSS JOIN LATERAL " +
            $"(SELECT dataset_id, version FROM {_s}.{LineageTables.DatasetVersions} v WHERE v.dataset_id = i.id AND v.position <= @p OFFSET 0) v ORDER BY 1, 2");
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", datasetIds.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long>("p", position));
        var rows = new List<DatasetVersionRef>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new DatasetVersionRef(reader.GetGuid(0), reader.GetInt32(1)));
        }

        return rows;
    }

    private async Task<IReadOnlyList<DerivationRow>> WalkAsync(IReadOnlyCollection<DatasetVersionRef> from, long position, bool upstream, CancellationToken cancellationToken)
    {
        // UNION (not UNION ALL) visits each version once: diamonds and long chains stay linear. Each
        // step probes the index through a fenced LATERAL (OFFSET 0): with a long start list the
        // planner would otherwise hash the whole derivations table at every step.
        var (near, far) = upstream ? ("d.dataset_id = w.dataset_id AND d.version = w.version", "d.parent_dataset_id, d.parent_version")
                                   : ("d.parent_dataset_id = w.dataset_id AND d.parent_version = w.version", "d.dataset_id, d.version");
        await using var command = dataSource.CreateCommand(
            $"WITH RECURSIVE w(dataset_id, version) AS (" +
            $" SELECT * FROM unnest(@ids, @versions)" +
            $" UNION SELECT n.* FROM w CROSS JOIN LATERAL (SELECT {far} FROM {_s}.{LineageTables.Derivations} d WHERE {near} AND d.position <= @p OFFSET 0) n)" +
            $" SELECT d.* FROM w CROSS JOIN LATERAL (SELECT d.dataset_id, d.version, d.parent_dataset_id, d.parent_version, d.transformation" +
            $" FROM {_s}.{LineageTables.Derivations} d WHERE {near} AND d.position <= @p OFFSET 0) d");
        AddVersions(command, from);
        command.Parameters.Add(new NpgsqlParameter<long>("p", position));
        return await ReadDerivationsAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<DerivationRow>> ReadDerivationsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<DerivationRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new DerivationRow(new DatasetVersionRef(reader.GetGuid(0), reader.GetInt32(1)),
                new DatasetVersionRef(reader.GetGuid(2), reader.GetInt32(3)), reader.GetString(4)));
        }

        return rows;
    }

    private static void AddVersions(NpgsqlCommand command, IReadOnlyCollection<DatasetVersionRef> versions)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", versions.Select(v => v.DatasetId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<int[]>("versions", versions.Select(v => v.Version).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
    }

    private static async Task<IReadOnlyList<RunRow>> ReadRunsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<RunRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new RunRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5)));
        }

        return rows;
    }

    private static async Task<IReadOnlyList<Guid>> ReadGuidsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
