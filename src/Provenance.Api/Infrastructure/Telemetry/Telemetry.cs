using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Provenance.Api.Access;
using Provenance.Domain.Access;
using Provenance.Domain.Common;
using Provenance.EventStore;
using Provenance.Ledger;

namespace Provenance.Api.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry: metrics always (the Prometheus scrape endpoint, and OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set); traces when there is somewhere to send them. ASP.NET
/// Core, HttpClient and Npgsql are instrumented by their libraries; the event store's and the
/// ledger's own spans and instruments are in <see cref="EventStoreTelemetry"/> and <see cref="LedgerTelemetry"/>.
/// </summary>
internal static class Telemetry
{
    public const string ServiceName = "provenance-api";

    /// <summary>The scrape endpoint's authorization policy: an administrator, or the scrape credential.</summary>
    public const string ScrapePolicy = "metrics-scrape";

    public const string MetricsPath = "/metrics";

    /// <summary>The .NET runtime's own meter (GC, thread pool, exceptions), built into .NET 9 and later.</summary>
    private const string RuntimeMeter = "System.Runtime";

    public static WebApplicationBuilder AddProvenanceTelemetry(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(TelemetryOptions.Section);
        var settings = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddOptions<TelemetryOptions>().Bind(section)
            .Validate(o => o.SampleInterval >= TimeSpan.FromMilliseconds(100) && o.SampleInterval <= TimeSpan.FromHours(1),
                $"{TelemetryOptions.Section}:SampleInterval must be between 100 ms and 1 hour.")
            .ValidateOnStart();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var version = typeof(Telemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: version))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddMeter(EventStoreTelemetry.Name, LedgerTelemetry.Name, RuntimeMeter);
                if (settings.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (otlp || settings.Tracing)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbeOrScrape(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(EventStoreTelemetry.Name, LedgerTelemetry.Name));
        }

        if (otlp)
        {
            // Endpoint, protocol, headers and intervals from the standard OTEL_EXPORTER_OTLP_* variables.
            telemetry.UseOtlpExporter();
        }

        builder.Services.AddSingleton<LedgerGauges>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LedgerGauges>());
        builder.Services.AddSingleton(_ => ScrapeCredential.From(settings));
        builder.Services.AddAuthorizationBuilder().AddPolicy(ScrapePolicy, policy => policy.RequireAssertion(context =>
            context.User.Identity?.IsAuthenticated == true && context.User.IsInRole(Names.Of(Role.Admin)) ||
            context.Resource is HttpContext http && http.RequestServices.GetRequiredService<ScrapeCredential>().Matches(http.Request)));
        return builder;
    }

    public static WebApplication MapMetrics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(ScrapePolicy);
        }

        return app;
    }

    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.Ordinal) || path.StartsWithSegments(MetricsPath, StringComparison.Ordinal);

    /// <summary>The configured scrape credential, compared in constant time; none configured matches nothing.</summary>
    internal sealed class ScrapeCredential
    {
        private readonly byte[]? _token;

        private ScrapeCredential(string? token) => _token = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);

        public static ScrapeCredential From(TelemetryOptions options)
        {
            var token = string.IsNullOrWhiteSpace(options.ScrapeTokenFile) ? options.ScrapeToken : File.ReadAllText(options.ScrapeTokenFile).Trim();
            if (token is not null && token.Length < TelemetryOptions.MinScrapeTokenLength)
            {
                throw new OptionsValidationException(TelemetryOptions.Section, typeof(TelemetryOptions),
                    [$"{TelemetryOptions.Section}:ScrapeToken (or the file of ScrapeTokenFile) must be at least {TelemetryOptions.MinScrapeTokenLength} characters."]);
            }

            return new ScrapeCredential(token);
        }

        public bool Matches(HttpRequest request)
        {
            var header = request.Headers[HeaderNames.Authorization].ToString();
            const string scheme = "Bearer ";
            return _token is not null && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) &&
                CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), _token);
        }
    }
}
