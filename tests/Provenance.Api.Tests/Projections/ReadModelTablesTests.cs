using System.Reflection;
using Npgsql;
using Provenance.Ledger.Catalog;
using Provenance.Ledger.Lineage;

namespace Provenance.Api.Tests.Projections;

/// <summary>
/// #15: each read model's table names are constants shared by the projection that writes them and
/// the reader that queries them (no name derived from another by string replacement). Each names a
/// table the ledger's migrations create, and each projection rebuilds exactly its tables.
/// </summary>
public sealed class ReadModelTablesTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    public static TheoryData<string> Tables()
    {
        var data = new TheoryData<string>();
        foreach (var name in Constants(typeof(CatalogTables)).Concat(Constants(typeof(LineageTables))))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task Every_read_model_table_constant_names_a_migrated_table(string table)
    {
        await using var connection = new NpgsqlConnection(api.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'provenance' AND tablename = @t", connection);
        command.Parameters.AddWithValue("t", table);

        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public void Each_projection_rebuilds_exactly_its_tables()
    {
        Assert.Equal(Constants(typeof(CatalogTables)).Order(), api.Service<CatalogProjection>().Tables.Order());
        Assert.Equal(Constants(typeof(LineageTables)).Order(), api.Service<LineageProjection>().Tables.Order());
    }

    private static IEnumerable<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);
}
