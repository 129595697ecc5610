using Npgsql;
using NpgsqlTypes;
using Provenance.EventStore;

namespace Provenance.Api.Catalog;

/// <summary>One search hit of the dataset catalog.</summary>
public sealed record CatalogRow(
    long Position, Guid Id, string Name, string SourceInstitution, string Modality, bool Retired, IReadOnlyList<string> LicenseKinds, int VersionCount, DateTimeOffset RegisteredAt);

/// <summary>Searches the catalog read model, keyset-paged by registration position.</summary>
internal sealed class CatalogReader(NpgsqlDataSource dataSource, EventStoreOptions options)
{
    private readonly string _table = "\"" + options.Schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\".rm_catalog_datasets";

    public async Task<(IReadOnlyList<CatalogRow> Items, long? Next)> SearchAsync(
        string? institution, string? modality, bool? retired, string? licenseKind, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT registered_position, dataset_id, name, source_institution, modality, retired, license_kinds, version_count, registered_at FROM {_table} " +
            "WHERE registered_position > @after AND (@institution IS NULL OR source_institution = @institution) AND (@modality IS NULL OR modality = @modality) " +
            "AND (@retired IS NULL OR retired = @retired) AND (@license IS NULL OR license_kinds @> ARRAY[@license]) " +
            "ORDER BY registered_position LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<long>("after", after));
        command.Parameters.Add(new NpgsqlParameter("institution", NpgsqlDbType.Text) { Value = (object?)institution ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("modality", NpgsqlDbType.Text) { Value = (object?)modality ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("retired", NpgsqlDbType.Boolean) { Value = (object?)retired ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("license", NpgsqlDbType.Text) { Value = (object?)licenseKind ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit + 1));
        var rows = new List<CatalogRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new CatalogRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetBoolean(5),
                reader.GetFieldValue<string[]>(6), reader.GetInt32(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return rows.Count > limit ? (rows[..limit], rows[limit - 1].Position) : (rows, null);
    }
}
