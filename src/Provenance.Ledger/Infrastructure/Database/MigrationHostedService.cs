using Microsoft.Extensions.Options;
using Npgsql;
using Provenance.EventStore;
using Provenance.EventStore.Schema;

namespace Provenance.Ledger.Infrastructure.Database;

/// <summary>Migrates the schema before the server accepts requests (hosted services start first).</summary>
internal sealed partial class MigrationHostedService(
    IOptions<DatabaseOptions> options, EventStoreOptions storeOptions, ILogger<MigrationHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var database = options.Value;
        if (!database.MigrateOnStartup)
        {
            return;
        }

        await using var owner = NpgsqlDataSource.Create(database.MigrationsConnectionString ?? database.ConnectionString!);
        // The read models' tables (rm_*) are migrations of this assembly, numbered after the store's.
        var applied = await new SchemaMigrator(owner, storeOptions, Migration.FromAssembly(typeof(MigrationHostedService).Assembly))
            .MigrateAsync(database.ApplicationRole(), cancellationToken);
        LogMigrated(logger, applied.Count, string.Join(",", applied));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Schema up to date; {Count} migration(s) applied now ({Versions})")]
    private static partial void LogMigrated(ILogger logger, int count, string versions);
}
