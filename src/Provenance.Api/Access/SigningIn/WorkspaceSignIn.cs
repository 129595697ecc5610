using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Provenance.Api.Access.SigningIn;

/// <summary>
/// How the workspace signs in through the organization's OpenID Connect issuer: its sign-in and token
/// endpoints (from the issuer's discovery document), the workspace's client id and the scopes to ask for.
/// </summary>
public sealed record OidcSignIn(string Issuer, string AuthorizationEndpoint, string TokenEndpoint, string? EndSessionEndpoint, string ClientId, string Scope);

/// <summary>The ways to sign in to the workspace: always an API key; single sign-on when an issuer and a client id are configured and the issuer answers.</summary>
public sealed record SignInOptions(bool ApiKey, OidcSignIn? Oidc);

/// <summary>
/// Reads the issuer's endpoints through the JWT handler's own configuration manager (the same
/// discovery document, cached and refreshed as the handler's), so the workspace signs in where
/// the API's tokens come from. An issuer that does not answer leaves single sign-on off for the
/// moment and says why in the log; API keys still work.
/// </summary>
internal sealed partial class WorkspaceSignIn(IOptions<AuthOptions> auth, IOptionsMonitor<JwtBearerOptions> bearer, ILogger<WorkspaceSignIn> logger)
{
    private static readonly TimeSpan DiscoveryTimeout = TimeSpan.FromSeconds(5);

    public bool Configured => auth.Value.Jwt is { Enabled: true, Workspace.ClientId: { Length: > 0 } };

    public async Task<OidcSignIn?> GetAsync(CancellationToken cancellationToken)
    {
        if (!Configured || bearer.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager is not { } manager)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DiscoveryTimeout);
        try
        {
            var discovered = await manager.GetConfigurationAsync(timeout.Token);
            if (string.IsNullOrEmpty(discovered.AuthorizationEndpoint) || string.IsNullOrEmpty(discovered.TokenEndpoint))
            {
                NoEndpoints(logger);
                return null;
            }

            var workspace = auth.Value.Jwt.Workspace;
            return new OidcSignIn(discovered.Issuer, discovered.AuthorizationEndpoint, discovered.TokenEndpoint,
                string.IsNullOrEmpty(discovered.EndSessionEndpoint) ? null : discovered.EndSessionEndpoint, workspace.ClientId!, workspace.Scope);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Unreadable(logger, e.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "The OpenID Connect issuer's discovery document names no authorization or token endpoint; the workspace offers API keys only")]
    private static partial void NoEndpoints(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "The OpenID Connect issuer's discovery document could not be read ({Reason}); the workspace offers API keys only")]
    private static partial void Unreadable(ILogger logger, string reason);

    /// <summary>The origin the workspace's page must be allowed to call for tokens (its CSP's connect-src), when single sign-on is on.</summary>
    public async Task<string?> TokenOriginAsync(CancellationToken cancellationToken) =>
        await GetAsync(cancellationToken) is { } oidc && Uri.TryCreate(oidc.TokenEndpoint, UriKind.Absolute, out var token) ? token.GetLeftPart(UriPartial.Authority) : null;
}

/// <summary><c>GET /access/sign-in</c>: how the workspace may sign in (public: it is asked before anyone has).</summary>
internal static class SignInEndpoint
{
    public static RouteHandlerBuilder MapSignIn(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/access/sign-in", Handle)
            .AllowAnonymous()
            .WithTags("Access")
            .WithName("GetSignInOptions")
            .WithSummary("How the workspace may sign in: with an API key, and through the organization's OpenID Connect issuer (authorization code with PKCE) " +
                         "when one is configured with the workspace's client id; public")
            .Produces<SignInOptions>();

    public static async Task<SignInOptions> Handle(WorkspaceSignIn signIn, CancellationToken cancellationToken) =>
        new(true, await signIn.GetAsync(cancellationToken));
}
