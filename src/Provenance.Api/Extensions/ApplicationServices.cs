using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Provenance.Api.Access;
using Provenance.Api.Infrastructure.Database;
using Provenance.Ledger.Infrastructure.Json;
using Provenance.Api.Infrastructure.Problems;
using Provenance.Api.Seeding;
using Provenance.Domain.Common;
using Provenance.EventStore;
using Provenance.EventStore.Serialization;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Database;
using Provenance.Ledger.Infrastructure.Mediation;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Api.Extensions;

internal static class ApplicationServices
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<DatabaseOptions>()
            .Configure(o =>
            {
                o.ConnectionString = configuration.GetConnectionString("Provenance");
                o.MigrationsConnectionString = configuration.GetConnectionString("ProvenanceMigrations");
                configuration.GetSection("Provenance:Database").Bind(o);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<SeedOptions>().Bind(configuration.GetSection("Provenance:Seed")).ValidateDataAnnotations().ValidateOnStart();

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
        services.AddSingleton<Ledger.Lineage.LineageProjection>();
        services.AddSingleton<Ledger.Lineage.LineageReader>();
        services.AddSingleton<Ledger.Catalog.CatalogProjection>();
        services.AddSingleton<EventStore.Projections.IProjection>(sp => sp.GetRequiredService<Ledger.Catalog.CatalogProjection>());
        services.AddSingleton<Ledger.Catalog.ProjectionDaemon>();
        services.AddSingleton<Ledger.Catalog.CatalogReader>();
        services.AddSingleton<Ledger.Streams.StreamStates>();
        services.AddSingleton<Ledger.Lineage.LineageAnswers>();
        services.AddScoped<Ledger.Exports.ExportScopeResolver>();
        services.AddScoped<Ledger.Exports.AuditExporter>();
        services.AddScoped<Ledger.Lineage.LineageFacts>();
        services.AddScoped<Ledger.Lineage.Downstream>();
        // #14: appends that keep failing for a reason that is not the caller's make the instance unready.
        services.AddSingleton(sp => new EventStore.Appending.AppendHealth(sp.GetRequiredService<TimeProvider>())
        {
            FailureThreshold = configuration.GetValue("Provenance:Health:AppendFailureThreshold", 3),
            RecoveryInterval = TimeSpan.FromSeconds(configuration.GetValue("Provenance:Health:AppendRecoverySeconds", 30.0)),
        });
        services.AddSingleton(sp => new PostgresEventStore(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventSerializer>(), sp.GetRequiredService<EventStoreOptions>(),
            [sp.GetRequiredService<Ledger.Lineage.LineageProjection>()], sp.GetRequiredService<EventStore.Appending.AppendHealth>()));
        services.AddSingleton(sp => new EventStore.Projections.ProjectionRunner(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PostgresEventStore>(), sp.GetRequiredService<EventStoreOptions>()));
        services.AddSingleton(TimeProvider.System);
        // #5: the log's Merkle tree, its signing key and signed checkpoints.
        services.AddOptions<Ledger.Integrity.IntegrityOptions>().Bind(configuration.GetSection(Ledger.Integrity.IntegrityOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Ledger.Integrity.IntegrityOptions>, Ledger.Integrity.IntegrityOptionsValidator>();
        services.AddSingleton(sp => new EventStore.Integrity.MerkleIntegrator(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PostgresEventStore>(), sp.GetRequiredService<EventStoreOptions>()));
        services.AddSingleton<Provenance.Integrity.Merkle.ISubtreeHashSource>(sp => new EventStore.Integrity.PostgresSubtreeHashSource(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventStoreOptions>()));
        services.AddSingleton<Ledger.Integrity.SigningKey>();
        services.AddSingleton<Ledger.Integrity.CheckpointService>();
        services.AddSingleton<Ledger.Integrity.IntegrityDaemon>();
        services.AddScoped<RequestContext>();
        services.AddScoped<LedgerWriter>();
        services.AddScoped<Aggregates>();
        services.AddScoped<Ledger.Clearance.ClearanceFactsLoader>();
        services.AddSingleton<Ledger.Streams.RegistrationIndex>();
        services.AddMediation();
        // #6: API keys and JWTs, the role policies, and the services behind them (docs/security.md).
        builder.AddAccess();

        // Hosted services start in registration order, all before the server listens. A read-only
        // instance (#8: on a replica) runs none of them: each writes, and the primary's instances do it.
        services.AddSingleton<DemoKeys>();
        if (!configuration.GetValue<bool>("Provenance:Database:ReadOnly"))
        {
            services.AddHostedService<MigrationHostedService>();
            services.AddHostedService<InlineProjectionStartup>();
            services.AddHostedService<Access.BootstrapKey>();
            services.AddHostedService(sp => sp.GetRequiredService<Ledger.Catalog.ProjectionDaemon>());
            services.AddHostedService(sp => sp.GetRequiredService<Ledger.Integrity.IntegrityDaemon>());
            services.AddHostedService<SeedLoader>();
        }

        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemMapping.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddSingleton<DatabaseHealthCheck>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "database", sp => sp.GetRequiredService<DatabaseHealthCheck>(), failureStatus: null, tags: ["ready"]));
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Provenance ledger API";
            document.Info.Description = "Training-data provenance for healthcare AI: an append-only, event-sourced ledger.";
            return Task.CompletedTask;
        }).AddDocumentTransformer(OpenApiSecurity.DescribeSchemesAsync).AddDocumentTransformer(Infrastructure.Http.OpenApiShape.DescribeDocumentAsync)
            .AddOperationTransformer(OpenApiSecurity.DescribeRefusalsAsync).AddSchemaTransformer(Infrastructure.Http.OpenApiShape.DescribeSchemaAsync));
        services.AddHttpClient();
        return builder;
    }
}
