using Npgsql;
using NpgsqlTypes;
using Provenance.EventStore;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Catalog;

/// <summary>One search hit of the dataset catalog.</summary>
public sealed record CatalogRow(
    long Position, Guid Id, string Name, string SourceInstitution, string Modality, bool Retired, IReadOnlyList<string> LicenseKinds, int VersionCount, DateTimeOffset RegisteredAt);

/// <summary>A dataset version's compliance status as last recorded.</summary>
public sealed record VersionStatus(
    int Version, string Fingerprint, long RecordCount, string Deidentification, string? DeidentificationMethod, bool Quarantined,
    DateOnly? ConsentExclusionFrom, long WithdrawnSubjects);

/// <summary>A model's current state in the catalog.</summary>
public sealed record ModelCatalogRow(
    long Position, Guid Id, string Name, string Owner, bool Commercial, IReadOnlyList<string> Versions, IReadOnlyList<string> ReleasedVersions,
    IReadOnlyList<string> WithdrawnVersions, int OverriddenRuns, DateTimeOffset RegisteredAt);

/// <summary>Searches the catalog read model, keyset-paged by registration position.</summary>
internal sealed class CatalogReader(NpgsqlDataSource dataSource, EventStoreOptions options)
{
    private readonly string _datasets = SqlIdentifier.Qualify(options.Schema, CatalogTables.Datasets);
    private readonly string _versions = SqlIdentifier.Qualify(options.Schema, CatalogTables.Versions);
    private readonly string _models = SqlIdentifier.Qualify(options.Schema, CatalogTables.Models);

    public async Task<IReadOnlyList<VersionStatus>> VersionsAsync(Guid datasetId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT version, fingerprint, record_count, deidentification, deidentification_method, quarantined, consent_exclusion_from, withdrawn_subjects " +
            $"FROM {_versions} WHERE dataset_id = @id ORDER BY version");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", datasetId));
        var rows = new List<VersionStatus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new VersionStatus(reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetBoolean(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6), reader.GetInt64(7)));
        }

        return rows;
    }

    public async Task<(IReadOnlyList<ModelCatalogRow> Items, long? Next)> ModelsAsync(bool? commercial, bool? overridden, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT registered_position, model_id, name, owner, commercial, versions, released_versions, withdrawn_versions, overridden_runs, registered_at FROM {_models} " +
            "WHERE registered_position > @after AND (@commercial IS NULL OR commercial = @commercial) " +
            "AND (@overridden IS NULL OR (overridden_runs > 0) = @overridden) ORDER BY registered_position LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<long>("after", after));
        command.Parameters.Add(new NpgsqlParameter("commercial", NpgsqlDbType.Boolean) { Value = (object?)commercial ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("overridden", NpgsqlDbType.Boolean) { Value = (object?)overridden ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit + 1));
        var rows = new List<ModelCatalogRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ModelCatalogRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4),
                reader.GetFieldValue<string[]>(5), reader.GetFieldValue<string[]>(6), reader.GetFieldValue<string[]>(7), reader.GetInt32(8),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return rows.Count > limit ? (rows[..limit], rows[limit - 1].Position) : (rows, null);
    }

    /// <summary>
    /// A page of the datasets matching the filters, in <paramref name="order"/> (registration position, or
    /// name then position), after <paramref name="after"/>; <c>More</c> when rows follow the page.
    /// </summary>
    public async Task<(IReadOnlyList<CatalogRow> Items, bool More)> SearchAsync(
        string? institution, string? modality, bool? retired, string? licenseKind, ListOrder order, Keyset? after, int limit, CancellationToken cancellationToken,
        string? name = null)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT registered_position, dataset_id, name, source_institution, modality, retired, license_kinds, version_count, registered_at FROM {_datasets} " +
            $"WHERE {order.After(after, "name", "registered_position")} AND (@institution IS NULL OR source_institution = @institution) AND (@modality IS NULL OR modality = @modality) " +
            "AND (@retired IS NULL OR retired = @retired) AND (@license IS NULL OR license_kinds @> ARRAY[@license]) " +
            "AND (@name IS NULL OR name ILIKE @name ESCAPE '\\') " +
            $"ORDER BY {order.OrderBy("name", "registered_position")} LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<long>("after_position", after?.Position ?? 0));
        command.Parameters.Add(new NpgsqlParameter("after_key", NpgsqlDbType.Text) { Value = (object?)after?.Key ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("institution", NpgsqlDbType.Text) { Value = (object?)institution ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("modality", NpgsqlDbType.Text) { Value = (object?)modality ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("retired", NpgsqlDbType.Boolean) { Value = (object?)retired ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("license", NpgsqlDbType.Text) { Value = (object?)licenseKind ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit + 1));
        // A part of the name, any case; %, _ and \ in it are themselves, not wildcards.
        var pattern = string.IsNullOrEmpty(name) ? null : "%" + name.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        command.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = (object?)pattern ?? DBNull.Value });
        var rows = new List<CatalogRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new CatalogRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetBoolean(5),
                reader.GetFieldValue<string[]>(6), reader.GetInt32(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return rows.Count > limit ? (rows[..limit], true) : (rows, false);
    }
}
