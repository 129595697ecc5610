using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Provenance.Api.Datasets;
using Provenance.Api.Extensions;
using Provenance.Api.Admin;
using Provenance.Api.BulkImport;
using Provenance.Api.Infrastructure.Http;
using Provenance.Api.Integrity;
using Provenance.Api.Irb;
using Provenance.Api.Lineage;
using Provenance.Api.Models;
using Provenance.Api.Seeding;
using Serilog;
using Serilog.Formatting.Json;

// Settings files are found beside the binaries, wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.Logging.ClearProviders();
builder.Logging.AddSerilog(new LoggerConfiguration()
    .ReadFrom.Configuration(builder.Configuration)
    .Enrich.FromLogContext()
    .WriteTo.Console(new JsonFormatter(renderMessage: true))
    .CreateLogger(), dispose: true);

builder.AddApplicationServices();
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]) &&
    string.IsNullOrEmpty(builder.Configuration["https_ports"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

var app = builder.Build();

// Outermost, so the one log line per request sees the final status, errors included.
app.UseMiddleware<CorrelationAndLoggingMiddleware>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<SeedPrincipalMiddleware>();
app.UseMiddleware<IdempotencyKeyMiddleware>();

app.MapOpenApi();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapDatasetsApi();
app.MapIrbApi();
app.MapModelsApi();
app.MapImportsApi();
app.MapLineageApi();
app.MapAdminApi();
app.MapIntegrityApi();

await app.RunAsync();

/// <summary>The entry point, visible to the in-process API tests.</summary>
public partial class Program;
