using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Provenance.Api.Access;
using Provenance.Api.Infrastructure.Database;
using Provenance.Api.Infrastructure.Health;
using Provenance.Ledger.Infrastructure.Json;
using Provenance.Api.Infrastructure.Problems;
using Provenance.Api.Seeding;
using Provenance.Ledger;
using Provenance.Api.Infrastructure.Http;
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

        services.AddOptions<SeedOptions>().Bind(configuration.GetSection("Provenance:Seed")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddLedger(configuration);
        // #6: API keys and JWTs, the role policies, and the services behind them (docs/security.md).
        builder.AddAccess();

        // Hosted services start in registration order, all before the server listens. A read-only
        // instance (#8: on a replica) runs none of them: each writes, and the primary's instances do it.
        services.AddSingleton<DemoKeys>();
        if (!configuration.GetValue<bool>("Provenance:Database:ReadOnly"))
        {
            services.AddLedgerStartup();
            services.AddHostedService<BootstrapKey>();
            if (configuration.GetValue("Provenance:Background:Enabled", true))
            {
                services.AddLedgerBackgroundWork();
            }

            services.AddHostedService<SeedLoader>();
        }

        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemMapping.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddSingleton<DatabaseHealthCheck>();
        services.AddSingleton<BackgroundHealthCheck>();
        services.AddSingleton<WitnessHealthCheck>();
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration("database", sp => sp.GetRequiredService<DatabaseHealthCheck>(), failureStatus: null, tags: ["ready"]))
            .Add(new HealthCheckRegistration("background", sp => sp.GetRequiredService<BackgroundHealthCheck>(), failureStatus: null, tags: ["ready"]))
            .Add(new HealthCheckRegistration("witnesses", sp => sp.GetRequiredService<WitnessHealthCheck>(), failureStatus: null, tags: ["ready"]));
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
