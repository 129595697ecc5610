using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>
/// Transport settings (docs/operations.md#https-hsts-cors-and-proxies): HTTPS redirection and HSTS
/// (on by default outside Development; turn redirection off behind a TLS-terminating proxy that
/// talks plain HTTP to the service, or enable forwarded headers so the proxy's scheme is seen),
/// forwarded headers from known proxies only, and CORS, closed unless origins are listed.
/// </summary>
internal static class WebHardening
{
    public const string CorsPolicy = "configured-origins";

    public static WebApplicationBuilder AddWebHardening(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = configuration.GetValue("Provenance:Https:HstsIncludeSubDomains", false);
        });

        var forwarded = configuration.GetSection("Provenance:ForwardedHeaders");
        if (forwarded.GetValue("Enabled", false))
        {
            services.Configure<ForwardedHeadersOptions>(o =>
            {
                o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                o.ForwardLimit = forwarded.GetValue("ForwardLimit", 1);
                foreach (var proxy in forwarded.GetSection("KnownProxies").Get<string[]>() ?? [])
                {
                    o.KnownProxies.Add(IPAddress.Parse(proxy));
                }

                foreach (var network in forwarded.GetSection("KnownNetworks").Get<string[]>() ?? [])
                {
                    o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            });
        }

        var origins = configuration.GetSection("Provenance:Cors:AllowedOrigins").Get<string[]>() ?? [];
        services.AddCors(o =>
        {
            if (origins.Length > 0)
            {
                o.AddPolicy(CorsPolicy, policy => policy.WithOrigins(origins).WithMethods("GET", "POST")
                    .WithHeaders("Authorization", ApiKeyHeader, "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match", CorrelationIdMiddleware.Header)
                    .WithExposedHeaders("ETag", "Location", "Retry-After", IdempotencyKeyMiddleware.ReplayedHeader, CorrelationIdMiddleware.Header));
            }
        });
        return builder;
    }

    /// <summary>Forwarded headers first (so scheme and client address are the client's), then HSTS and HTTPS redirection.</summary>
    public static WebApplication UseTransportSecurity(this WebApplication app)
    {
        var configuration = app.Configuration;
        var outsideDevelopment = !app.Environment.IsDevelopment();
        if (configuration.GetValue("Provenance:ForwardedHeaders:Enabled", false))
        {
            app.UseForwardedHeaders();
        }

        if (configuration.GetValue("Provenance:Https:Hsts", outsideDevelopment))
        {
            app.UseHsts();
        }

        if (configuration.GetValue("Provenance:Https:Redirect", outsideDevelopment))
        {
            app.UseHttpsRedirection();
        }

        return app;
    }

    /// <summary>CORS answers only the configured origins; with none, no cross-origin browser request gets through.</summary>
    public static WebApplication UseConfiguredCors(this WebApplication app)
    {
        if ((app.Configuration.GetSection("Provenance:Cors:AllowedOrigins").Get<string[]>() ?? []).Length > 0)
        {
            app.UseCors(CorsPolicy);
        }

        return app;
    }

    private const string ApiKeyHeader = Access.ApiKeyAuthenticationHandler.Header;
}
