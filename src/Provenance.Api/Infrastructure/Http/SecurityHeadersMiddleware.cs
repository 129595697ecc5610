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

    /// <summary>
    /// #21: with single sign-on on, the workspace's page may also call the issuer's token endpoint
    /// (the authorization code exchange with PKCE); sign-in itself is a navigation, which connect-src does not govern.
    /// </summary>
    public static string ExplorerPolicyWith(string? tokenOrigin) =>
        tokenOrigin is null ? ExplorerContentSecurityPolicy : ExplorerContentSecurityPolicy.Replace("connect-src 'self'", $"connect-src 'self' {tokenOrigin}", StringComparison.Ordinal);

    /// <summary>The workspace's document (not its scripts and styles, for which a policy means nothing).</summary>
    private static bool IsExplorerDocument(PathString path) =>
        path.Equals(ExplorerHosting.Path + "/", StringComparison.Ordinal) || path.Equals(ExplorerHosting.Path + "/index.html", StringComparison.Ordinal);

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(async () =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            // #18: a page the API renders itself (the model card, the disclosure) sets its own, as strict.
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                var signIn = context.RequestServices.GetRequiredService<Access.SigningIn.WorkspaceSignIn>();
                headers.ContentSecurityPolicy = IsExplorerDocument(context.Request.Path) && signIn.Configured
                    ? ExplorerPolicyWith(await signIn.TokenOriginAsync(context.RequestAborted))
                    : context.Request.Path.StartsWithSegments(ExplorerHosting.Path) ? ExplorerContentSecurityPolicy
                    : context.Request.Path.StartsWithSegments(ApiReference.Path) ? ApiReference.ContentSecurityPolicy
                    : ContentSecurityPolicy;
            }
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            if (context.User.Identity?.IsAuthenticated == true || context.Request.Headers.ContainsKey(HeaderNames.Authorization) ||
                context.Request.Headers.ContainsKey(Access.ApiKeyAuthenticationHandler.Header))
            {
                headers.CacheControl = "no-store";
            }
        });
        return next(context);
    }
}
