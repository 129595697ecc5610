using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Provenance.Domain.Common;
using Provenance.EventStore;
using Provenance.EventStore.Appending;
using Provenance.EventStore.Projections;
using Provenance.EventStore.Serialization;
using Provenance.Ledger.Access;
using Provenance.Ledger.Catalog;
using Provenance.Ledger.Clearance;
using Provenance.Ledger.Exports;
using Provenance.Ledger.Infrastructure;
using Provenance.EventStore.Background;
using Provenance.Ledger.Infrastructure.Background;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Database;
using Provenance.Ledger.Infrastructure.Mediation;
using Provenance.Ledger.Integrity;
using Provenance.Ledger.Lineage;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger;

/// <summary>
/// The application layer's services, registered area by area: the event store and its options, the
/// write path, stream reads, lineage, the catalog, integrity, exports and API keys, and the mediator
/// that sends requests to their handlers. A host adds these, then its own edge (HTTP, a CLI…).
/// </summary>
public static class LedgerServices
{
    /// <summary>Everything a request needs, with settings bound from <paramref name="configuration"/> and validated at start.</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddEventStore(configuration);
        services.AddWrites();
        services.AddStreamReads(configuration);
        services.AddLineage();
        services.AddCatalog();
        services.AddIntegrity(configuration);
        services.AddExports();
        services.AddOptions<Workspace.GettingOverview.WorkspaceOptions>().Bind(configuration.GetSection(Workspace.GettingOverview.WorkspaceOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Interop.InteropOptions>().Bind(configuration.GetSection(Interop.InteropOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Interop.OpenLineage.OpenLineagePushOptions>().Bind(configuration.GetSection(Interop.OpenLineage.OpenLineagePushOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        // #19: the push follows the log only when a receiver is configured; its checkpoint starts at the log's beginning.
        if (!string.IsNullOrWhiteSpace(configuration[$"{Interop.OpenLineage.OpenLineagePushOptions.Section}:Url"]))
        {
            services.AddSingleton<Interop.OpenLineage.OpenLineagePushProjection>();
            services.AddSingleton<IProjection>(sp => sp.GetRequiredService<Interop.OpenLineage.OpenLineagePushProjection>());
        }
        services.AddApiKeys(configuration);
        services.AddBackground(configuration);
        services.AddMediation();
        return services;
    }

    /// <summary>
    /// Start-up work that must finish before anything else runs: the schema's migrations, then the
    /// inline projections caught up with the log. Hosted services start in registration order.
    /// </summary>
    public static IServiceCollection AddLedgerStartup(this IServiceCollection services)
    {
        services.AddHostedService<MigrationHostedService>();
        services.AddHostedService<InlineProjectionStartup>();
        return services;
    }

    /// <summary>The background work that follows the log: the async projections and the Merkle tree (one daemon).</summary>
    public static IServiceCollection AddLedgerBackgroundWork(this IServiceCollection services)
    {
        services.AddHostedService<BackgroundWork>();
        services.AddHostedService<Workspace.GettingOverview.ClearanceTallyService>();
        services.AddHostedService(sp => sp.GetRequiredService<Integrity.Witnessing.WitnessPublisher>());
        return services;
    }

    private static void AddEventStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Configure(o =>
            {
                o.ConnectionString = configuration.GetConnectionString("Provenance");
                o.MigrationsConnectionString = configuration.GetConnectionString("ProvenanceMigrations");
                configuration.GetSection(DatabaseOptions.Section).Bind(o);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new EventStoreOptions { Schema = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Schema });
        services.AddSingleton(sp => DatabaseOptions.CreateDataSource(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString!));
        services.AddSingleton(_ =>
        {
            var registry = new EventTypeRegistry();
            foreach (var (type, name, version) in EventCatalog.All)
            {
                registry.Register(type, name, version);
            }

            return new EventSerializer(registry, EventJson.Options);
        });
        // #14: appends that keep failing for a reason that is not the caller's make the instance unready.
        services.AddSingleton(sp =>
        {
            var health = sp.GetRequiredService<IOptions<HealthOptions>>().Value;
            return new AppendHealth(sp.GetRequiredService<TimeProvider>())
            {
                FailureThreshold = health.AppendFailureThreshold,
                RecoveryInterval = TimeSpan.FromSeconds(health.AppendRecoverySeconds),
            };
        });
        // The lineage projection is the one inline projection: it commits with the events it reads.
        services.AddSingleton(sp => new PostgresEventStore(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventSerializer>(), sp.GetRequiredService<EventStoreOptions>(),
            [sp.GetRequiredService<LineageProjection>()], sp.GetRequiredService<AppendHealth>()));
        services.AddSingleton(sp => new ProjectionRunner(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PostgresEventStore>(), sp.GetRequiredService<EventStoreOptions>()));
    }

    private static void AddBackground(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BackgroundOptions>().Bind(configuration.GetSection(BackgroundOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // One daemon follows the log for every asynchronous projection and the Merkle tree (#15).
        services.AddSingleton(sp => new LogDaemon(
            [
                .. sp.GetServices<IProjection>().Select(p => new ProjectionFollower(p, sp.GetRequiredService<ProjectionRunner>())),
                sp.GetRequiredService<IntegrityFollower>(),
            ],
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PostgresEventStore>(), sp.GetRequiredService<EventStoreOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LogDaemon>>(),
            new LogDaemonOptions { ListeningPoll = sp.GetRequiredService<IOptions<BackgroundOptions>>().Value.SafetyPoll }));
        services.AddSingleton<ReadModelWait>();
    }

    private static void AddWrites(this IServiceCollection services)
    {
        services.AddScoped<RequestContext>();
        services.AddScoped<LedgerWriter>();
        services.AddScoped<Aggregates>();
        services.AddScoped<ClearanceFactsLoader>();
        services.AddScoped<Models.ReviewingChangeControl.ChangeControlReviewer>();
        services.AddScoped<Models.Disclosing.ModelDossier.Loader>();
        services.AddScoped<Models.Disclosing.ModelDocuments>();
    }

    private static void AddStreamReads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CacheOptions>().Bind(configuration.GetSection(CacheOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StreamStates>();
        services.AddSingleton<RegistrationIndex>();
    }

    private static void AddLineage(this IServiceCollection services)
    {
        services.AddSingleton<LineageProjection>();
        services.AddSingleton<LineageReader>();
        services.AddSingleton<LineageAnswers>();
        services.AddScoped<LineageFacts>();
        services.AddScoped<LineageGraphs>();
    }

    private static void AddCatalog(this IServiceCollection services)
    {
        services.AddSingleton<CatalogProjection>();
        services.AddSingleton<IProjection>(sp => sp.GetRequiredService<CatalogProjection>());
        services.AddSingleton<CatalogReader>();
        // #21: the overview's tally of dataset versions by clearance.
        services.AddScoped<Workspace.GettingOverview.ClearanceTallies>();
        services.AddSingleton<Workspace.GettingOverview.LatestClearanceTally>();
    }

    private static void AddIntegrity(this IServiceCollection services, IConfiguration configuration)
    {
        // #5: the log's Merkle tree, its signing key and signed checkpoints.
        services.AddOptions<IntegrityOptions>().Bind(configuration.GetSection(IntegrityOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IntegrityOptions>, IntegrityOptionsValidator>();
        services.AddSingleton(sp => new EventStore.Integrity.MerkleIntegrator(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PostgresEventStore>(), sp.GetRequiredService<EventStoreOptions>()));
        services.AddSingleton<Provenance.Integrity.Merkle.ISubtreeHashSource>(sp => new EventStore.Integrity.PostgresSubtreeHashSource(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventStoreOptions>()));
        services.AddSingleton(sp => new EventStore.Integrity.CheckpointStore(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventStoreOptions>()));
        services.AddSingleton<StreamIndexService>();
        services.AddSingleton<SigningKey>();
        services.AddSingleton<CheckpointService>();
        services.AddSingleton<IntegrityFollower>();

        // #17: witnesses cosign the checkpoints.
        services.AddOptions<Integrity.Witnessing.WitnessingOptions>().Bind(configuration.GetSection(Integrity.Witnessing.WitnessingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Integrity.Witnessing.WitnessingOptions>, Integrity.Witnessing.WitnessingOptionsValidator>();
        services.AddSingleton<Integrity.Witnessing.CheckpointSignal>();
        services.AddSingleton<Integrity.Witnessing.WitnessPublisher>();
    }

    private static void AddExports(this IServiceCollection services)
    {
        services.AddScoped<ExportScopeResolver>();
        services.AddScoped<AuditExporter>();
    }

    private static void AddApiKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiKeyDirectory>();
        services.AddSingleton<DatasetInstitutions>();
        services.AddScoped<ApiKeyIssuer>();
    }
}
