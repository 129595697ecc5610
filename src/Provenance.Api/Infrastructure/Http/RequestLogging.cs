using Provenance.Api.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Serilog;
using Serilog.Events;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>
/// Logging through Serilog: levels and sinks from the <c>Serilog</c> configuration section (compact JSON
/// to the console by default), and exactly one event per request from Serilog's request logging, written
/// when the response is complete: method, path, path template, status, elapsed milliseconds, correlation
/// id and principal. Never the query string, a header, or a body.
/// </summary>
internal static class RequestLogging
{
    public const string MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";

    /// <summary>What a request with no matched endpoint (a static asset, an unknown path) logs as its template.</summary>
    public const string Unmatched = "(none)";

    public static WebApplicationBuilder AddProvenanceLogging(this WebApplicationBuilder builder)
    {
        // Only Serilog writes; providers registered beside it (a test's capture) receive its events too.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(
            (services, logger) => logger
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext(),
            // Each host (a test starts several) keeps its own logger; the static one is left alone.
            preserveStaticLogger: true,
            writeToProviders: true);
        return builder;
    }

    public static IApplicationBuilder UseRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = MessageTemplate;
            options.IncludeQueryInRequestPath = false;
            options.GetLevel = (_, _, _) => LogEventLevel.Information;
            options.EnrichDiagnosticContext = (diagnostics, http) => diagnostics.Set("Principal",
                http.User.Identity?.IsAuthenticated == true
                    ? http.User.FindFirst(AccessClaims.Principal)?.Value ?? RequestContext.Anonymous
                    : RequestContext.Anonymous);
        });

        // The template is read on the way in: the exception handler clears the endpoint before an error response.
        var diagnostics = app.Services.GetRequiredService<IDiagnosticContext>();
        return app.Use((context, next) =>
        {
            diagnostics.Set("PathTemplate", (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? Unmatched);
            return next(context);
        });
    }
}
