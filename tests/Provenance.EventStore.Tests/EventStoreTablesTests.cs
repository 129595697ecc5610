using System.Reflection;
using Npgsql;

namespace Provenance.EventStore.Tests;

/// <summary>
/// #15: the store's table names are constants shared by every writer and reader, so each one
/// must name a table its migrations create (a renamed table fails here, not at run time), and
/// the list of the ledger's own tables must hold every one but the projections' checkpoints.
/// </summary>
public sealed class EventStoreTablesTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    private static IReadOnlyList<string> Constants() =>
        typeof(EventStoreTables).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

    [Fact]
    public async Task Every_table_constant_names_a_table_the_migrations_create()
    {
        await using var connection = new NpgsqlConnection(db.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'provenance'", connection);
        var tables = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Equal(10, Constants().Count);
        Assert.All(Constants(), name => Assert.Contains(name, tables));
    }

    [Fact]
    public void The_ledger_list_is_every_table_but_the_projections_checkpoints() =>
        Assert.Equal(Constants().Where(t => t != EventStoreTables.ProjectionCheckpoints).Order(), EventStoreTables.Ledger.Order());

    [Theory]
    [InlineData("provenance", "events", "\"provenance\".\"events\"")]
    [InlineData("odd\"schema", "events", "\"odd\"\"schema\".\"events\"")]
    public void A_qualified_name_quotes_both_parts(string schema, string table, string expected) =>
        Assert.Equal(expected, SqlIdentifier.Qualify(schema, table));
}
