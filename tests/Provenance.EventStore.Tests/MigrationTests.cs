using Npgsql;
using Provenance.EventStore;
using Provenance.EventStore.Schema;
using Provenance.Testing;

namespace Provenance.EventStore.Tests;

public sealed class MigrationTests : TestDatabase
{
    [Fact]
    public async Task Instances_starting_at_once_migrate_the_schema_exactly_once()
    {
        await using var owner = NpgsqlDataSource.Create(OwnerConnectionString);

        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            new SchemaMigrator(owner, Options).MigrateAsync(AppRole))));

        var all = new SchemaMigrator(owner, Options).Migrations.Select(m => m.Version).ToList();
        Assert.Equal(all, applied.SelectMany(a => a).Order());
        Assert.Single(applied, a => a.Count > 0);
    }

    [Fact]
    public async Task Migrating_an_up_to_date_schema_changes_nothing()
    {
        await using var owner = NpgsqlDataSource.Create(OwnerConnectionString);
        await new SchemaMigrator(owner, Options).MigrateAsync(AppRole);

        var second = await new SchemaMigrator(owner, Options).MigrateAsync(AppRole);

        Assert.Empty(second);
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_is_refused()
    {
        await using var owner = NpgsqlDataSource.Create(OwnerConnectionString);
        var extra = new Migration(9001, "extra", "CREATE TABLE {schema}.extra (id int)");
        await new SchemaMigrator(owner, Options, [extra]).MigrateAsync(AppRole);

        var edited = extra with { Sql = "CREATE TABLE {schema}.extra (id bigint)" };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new SchemaMigrator(owner, Options, [new Migration(9001, "extra", edited.Sql)]).MigrateAsync(AppRole));

        Assert.Contains("9001", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_application_role_may_append_and_read_but_not_alter_the_schema()
    {
        await using var owner = NpgsqlDataSource.Create(OwnerConnectionString);
        await new SchemaMigrator(owner, Options).MigrateAsync(AppRole);
        await using var app = new NpgsqlConnection(AppConnectionString);
        await app.OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            ExecuteAsync(app, "ALTER TABLE provenance.events DISABLE TRIGGER events_no_update_or_delete"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }
}
