using Scalar.AspNetCore;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>
/// The interactive API reference at <c>/docs</c> (#20): Scalar over the OpenAPI document, its
/// script served from the package (no CDN, no web fonts, no telemetry), usable with an API key.
/// </summary>
internal static class ApiReference
{
    public const string Path = "/docs";

    // The page's scripts carry this nonce (hex: nothing to escape in the attribute); a new one every start.
    private static readonly string Nonce = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));

    /// <summary>
    /// The reference page's CSP: scripts only from this service or with the nonce, styles from this
    /// service or inline (Scalar sets them at run time), requests only to this service.
    /// </summary>
    public static string ContentSecurityPolicy { get; } =
        $"default-src 'none'; script-src 'self' 'nonce-{Nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapScalarApiReference(Path, options => options
                .WithTitle("Provenance API reference")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .WithNonce(Nonce)
                .AddPreferredSecuritySchemes(["ApiKey"]))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}
