using Npgsql;
using Xunit;
using Provenance.EventStore;
using Provenance.EventStore.Schema;

namespace Provenance.Testing;

/// <summary>
/// A fresh database for one test class, on the shared server, dropped afterwards. It is owned by
/// an owner role (which runs the migrations) and used by an application role that may only read
/// and append, as in production.
/// </summary>
public class TestDatabase : IAsyncLifetime
{
    public const string OwnerRole = "provenance_test_owner";
    public const string AppRole = "provenance_test_app";
    private const string OwnerPassword = "owner-password-for-tests";
    private const string AppPassword = "app-password-for-tests";

    public string Name { get; } = "t_" + Guid.NewGuid().ToString("N")[..16];

    public string AdminConnectionString { get; private set; } = "";

    public string OwnerConnectionString { get; private set; } = "";

    public string AppConnectionString { get; private set; } = "";

    public EventStoreOptions Options { get; } = new();

    public virtual async Task InitializeAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(PostgresServer.Current.AdminConnectionString);
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await EnsureRoleAsync(admin, OwnerRole, OwnerPassword);
            await EnsureRoleAsync(admin, AppRole, AppPassword);
            await ExecuteAsync(admin, $"CREATE DATABASE \"{Name}\" OWNER {OwnerRole}");
            await ExecuteAsync(admin, $"REVOKE ALL ON DATABASE \"{Name}\" FROM PUBLIC; GRANT CONNECT ON DATABASE \"{Name}\" TO {AppRole}");
        }

        AdminConnectionString = With(server, server.Username!, server.Password, pooling: false);
        OwnerConnectionString = With(server, OwnerRole, OwnerPassword, pooling: true);
        AppConnectionString = With(server, AppRole, AppPassword, pooling: true);
    }

    /// <summary>Runs the event store's migrations as the owner and grants the application role.</summary>
    public async Task MigrateAsync(IEnumerable<Migration>? extraMigrations = null)
    {
        await using var owner = NpgsqlDataSource.Create(OwnerConnectionString);
        await new SchemaMigrator(owner, Options, extraMigrations).MigrateAsync(AppRole);
    }

    /// <summary>How many events the log holds (read as the application role): rejected commands must not change it.</summary>
    public async Task<long> CountEventsAsync()
    {
        await using var connection = new NpgsqlConnection(AppConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{Options.Schema}\".events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public virtual async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresServer.Current.AdminConnectionString);
        await admin.OpenAsync();
        await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private string With(NpgsqlConnectionStringBuilder server, string user, string? password, bool pooling) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionString)
        {
            Database = Name,
            Username = user,
            Password = password,
            Pooling = pooling,
            MaxPoolSize = 100,
        }.ConnectionString;

    private static async Task EnsureRoleAsync(NpgsqlConnection admin, string role, string password)
    {
        // Test assemblies run in parallel: two may create the same role at once.
        try
        {
            await ExecuteAsync(admin, $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') " +
                                      $"THEN CREATE ROLE {role} LOGIN PASSWORD '{password}'; END IF; END $$");
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
        {
            // Created concurrently by another test assembly.
        }
    }
}
