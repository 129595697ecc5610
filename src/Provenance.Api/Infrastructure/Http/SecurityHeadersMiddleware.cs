using Microsoft.Net.Http.Headers;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>
/// Security headers on every response, errors included (set as the response starts, after the
/// exception handler has cleared what came before): no MIME sniffing, no framing, no referrer, a
/// content security policy that lets an API response load nothing, and no caching of anything
/// an authenticated caller was answered.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>
    /// #8: the lineage explorer's page may load its own script, style and images and call this API
    /// (same origin); nothing else, and nothing inline but the one rule Cytoscape.js inserts
    /// (<c>.__________cytoscape_container { position: relative; }</c>), allowed by its hash.
    /// </summary>
    public const string ExplorerContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='; " +
        "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            // #18: a page the API renders itself (the model card, the disclosure) sets its own, as strict.
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ExplorerHosting.Path) ? ExplorerContentSecurityPolicy
                    : context.Request.Path.StartsWithSegments(ApiReference.Path) ? ApiReference.ContentSecurityPolicy
                    : ContentSecurityPolicy;
            }
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            if (context.User.Identity?.IsAuthenticated == true || context.Request.Headers.ContainsKey(HeaderNames.Authorization) ||
                context.Request.Headers.ContainsKey(Access.ApiKeyAuthenticationHandler.Header))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
