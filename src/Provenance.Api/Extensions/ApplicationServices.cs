using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Provenance.Api.Access;
using Provenance.Api.Infrastructure.Commands;
using Provenance.Api.Infrastructure.Database;
using Provenance.Api.Infrastructure.Json;
using Provenance.Api.Infrastructure.Mediation;
using Provenance.Api.Infrastructure.Problems;
using Provenance.Api.Seeding;
using Provenance.Domain.Common;
using Provenance.EventStore;
using Provenance.EventStore.Serialization;

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

            return new EventSerializer(registry, ProvenanceJson.Options);
        });
        services.AddSingleton<Lineage.LineageProjection>();
        services.AddSingleton<Lineage.LineageReader>();
        services.AddSingleton<Catalog.CatalogProjection>();
        services.AddSingleton<EventStore.Projections.IProjection>(sp => sp.GetRequiredService<Catalog.CatalogProjection>());
        services.AddSingleton<Catalog.ProjectionDaemon>();
        services.AddSingleton<Catalog.CatalogReader>();
        services.AddSingleton<Streams.StreamStates>();
        services.AddSingleton<Lineage.LineageAnswers>();
        services.AddScoped<Exports.ExportScopeResolver>();
        services.AddScoped<Exports.AuditExporter>();
        services.AddScoped<Lineage.LineageFacts>();
        services.AddScoped<Lineage.Downstream>();
        // #14: appends that keep failing for a reason that is not the caller's make the instance unready.
        services.AddSingleton(sp => new EventStore.Appending.AppendHealth(sp.GetRequiredService<TimeProvider>())
        {
            FailureThreshold = configuration.GetValue("Provenance:Health:AppendFailureThreshold", 3),
            RecoveryInterval = TimeSpan.FromSeconds(configuration.GetValue("Provenance:Health:AppendRecoverySeconds", 30.0)),
        });
        services.AddSingleton(sp => new PostgresEventStore(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventSerializer>(), sp.GetRequiredService<EventStoreOptions>(),
            [sp.GetRequiredService<Lineage.LineageProjection>()], sp.GetRequiredService<EventStore.Appending.AppendHealth>()));
        services.AddSingleton(sp => new EventStore.Projections.ProjectionRunner(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PostgresEventStore>(), sp.GetRequiredService<EventStoreOptions>()));
        services.AddSingleton(TimeProvider.System);
        // #5: the log's Merkle tree, its signing key and signed checkpoints.
        services.AddOptions<Integrity.IntegrityOptions>().Bind(configuration.GetSection(Integrity.IntegrityOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Integrity.IntegrityOptions>, Integrity.IntegrityOptionsValidator>();
        services.AddSingleton(sp => new EventStore.Integrity.MerkleIntegrator(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PostgresEventStore>(), sp.GetRequiredService<EventStoreOptions>()));
        services.AddSingleton<Provenance.Integrity.Merkle.ISubtreeHashSource>(sp => new EventStore.Integrity.PostgresSubtreeHashSource(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventStoreOptions>()));
        services.AddSingleton<Integrity.SigningKey>();
        services.AddSingleton<Integrity.CheckpointService>();
        services.AddSingleton<Integrity.IntegrityDaemon>();
        services.AddScoped<RequestContext>();
        services.AddScoped<Ledger>();
        services.AddScoped<Aggregates>();
        services.AddScoped<Clearance.ClearanceFactsLoader>();
        services.AddSingleton<Streams.RegistrationIndex>();
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
            services.AddHostedService(sp => sp.GetRequiredService<Catalog.ProjectionDaemon>());
            services.AddHostedService(sp => sp.GetRequiredService<Integrity.IntegrityDaemon>());
            services.AddHostedService<SeedLoader>();
        }

        services.Configure<JsonOptions>(o => ProvenanceJson.Configure(o.SerializerOptions));
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
