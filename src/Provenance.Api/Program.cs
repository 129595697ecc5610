using Provenance.Api.Interop;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Provenance.Api.Access;
using Provenance.Api.Datasets;
using Provenance.Api.Exports;
using Provenance.Api.Deidentification;
using Provenance.Api.Licenses;
using Provenance.Api.Consent;
using Provenance.Api.Extensions;
using Provenance.Api.Admin;
using Provenance.Api.BulkImport;
using Provenance.Api.Infrastructure.Http;
using Provenance.Api.Infrastructure.Telemetry;
using Provenance.Api.Integrity;
using Provenance.Api.Irb;
using Provenance.Api.Lineage;
using Provenance.Api.Models;
using Provenance.Api.Workspace;
using Provenance.Ledger.Access;
using Provenance.Ledger.BulkImport;
using Provenance.Ledger.Exports;
using Provenance.Ledger.Integrity;
using Provenance.Ledger.Irb;
using Provenance.Ledger.Lineage;
using Provenance.Ledger.Models;

// Settings files are found beside the binaries, wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddProvenanceLogging();
// #20: traces and metrics (OpenTelemetry), the Prometheus scrape endpoint.
builder.AddProvenanceTelemetry();

builder.AddApplicationServices();
builder.AddWebHardening();
builder.Services.AddProvenanceRateLimiting(builder.Configuration);
// #6: no request body over the limit is read (POST /imports streams, and has its own).
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize =
    (builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions()).MaxRequestBodyBytes);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]) &&
    string.IsNullOrEmpty(builder.Configuration["https_ports"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

var app = builder.Build();

// Outermost, so the one log event per request carries the correlation id and sees the final status, errors included.
app.UseMiddleware<CorrelationIdMiddleware>();
app.UseRequestLogging();
app.UseMiddleware<SecurityHeadersMiddleware>();
app.UseExceptionHandler();
app.UseStatusCodePages();
// #8: the lineage explorer's page and assets, before authentication: they are public.
app.UseExplorer();
// #8: an instance on a read replica refuses writes at once.
app.UseMiddleware<ReadOnlyInstanceMiddleware>();
// #6: transport, then who is calling, how often, and whether they may (docs/security.md).
app.UseTransportSecurity();
app.UseConfiguredCors();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.UseMiddleware<PrincipalContextMiddleware>();
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseMiddleware<RequestMediaTypeMiddleware>();
app.UseMiddleware<IdempotencyKeyMiddleware>();

app.MapOpenApi().AllowAnonymous();
app.MapApiReference();
app.MapMetrics();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous().DisableRateLimiting();
app.MapAccessApi();
app.MapDatasetsApi();
app.MapDeidentificationApi();
app.MapLicensesApi();
app.MapConsentApi();
app.MapIrbApi();
app.MapModelsApi();
app.MapImportsApi();
app.MapLineageApi();
app.MapWorkspaceApi();
app.MapExportsApi();
app.MapInteropApi();
app.MapAdminApi();
app.MapIntegrityApi();

await app.RunAsync();

/// <summary>The entry point, visible to the in-process API tests.</summary>
public partial class Program;
