using Microsoft.Extensions.Options;
using Provenance.Ledger.Access;

namespace Provenance.Api.Access;

/// <summary>How callers authenticate (<c>Provenance:Auth</c>; docs/operations.md#authentication).</summary>
internal sealed class AuthOptions
{
    public const string Section = "Provenance:Auth";

    /// <summary>
    /// When set and no active administrator key exists at start-up, the service issues a bootstrap
    /// administrator key and writes it to this file (mode 600). The key is never logged.
    /// </summary>
    public string? BootstrapKeyFile { get; set; }

    /// <summary>How long the bootstrap key lives (default 30 days): use it to issue personal keys, then revoke it.</summary>
    public TimeSpan BootstrapKeyLifetime { get; set; } = TimeSpan.FromDays(30);

    // KeyRecheckInterval, in the same section, is the application layer's: Ledger.Access.ApiKeyOptions.

    public JwtOptions Jwt { get; set; } = new();
}

/// <summary>
/// JWT bearer tokens from an OpenID Connect issuer (<c>Provenance:Auth:Jwt</c>). Off unless an
/// <see cref="Authority"/>, a <see cref="MetadataAddress"/> or an <see cref="Issuer"/> with a signing key is set.
/// </summary>
internal sealed class JwtOptions
{
    /// <summary>The issuer's base URL; its discovery document gives the issuer and the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The discovery document's URL, when it is not under <see cref="Authority"/>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The audience a token must name (required when JWT is on).</summary>
    public string? Audience { get; set; }

    /// <summary>For offline setups: the issuer a token must name, with <see cref="SigningKeyPem"/> or <see cref="SymmetricKey"/>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The issuer's public key (RSA or EC) in PEM.</summary>
    public string? SigningKeyPem { get; set; }

    /// <summary>A shared HMAC key, base64 (at least 32 bytes); for tests and closed setups.</summary>
    public string? SymmetricKey { get; set; }

    /// <summary>The claim holding the principal's name (default <c>sub</c>).</summary>
    public string NameClaim { get; set; } = "sub";

    /// <summary>The claim holding roles (default <c>roles</c>): our role names, or names mapped by <see cref="RoleMap"/>.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The claim holding a steward's institution (default <c>institution</c>).</summary>
    public string InstitutionClaim { get; set; } = "institution";

    /// <summary>The issuer's role names mapped to ours (<c>"ledger-admins": "admin"</c>); our own names always map to themselves.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tolerated clock difference with the issuer (default one minute).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether the discovery document may be fetched over plain HTTP (never in production).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>#21: the workspace's single sign-on through this issuer (<c>Provenance:Auth:Jwt:Workspace</c>).</summary>
    public WorkspaceSignInOptions Workspace { get; set; } = new();

    public bool Enabled =>
        !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress) || !string.IsNullOrWhiteSpace(Issuer);
}

/// <summary>
/// The workspace's sign-in through the organization's OpenID Connect issuer (#21): the authorization
/// code flow with PKCE, as a public client registered at the issuer with the workspace's address
/// (<c>https://host/explorer/</c>) as its redirect URI. Off unless <see cref="ClientId"/> is set.
/// </summary>
internal sealed class WorkspaceSignInOptions
{
    /// <summary>The workspace's client id at the issuer.</summary>
    public string? ClientId { get; set; }

    /// <summary>The scopes asked for; the access token they yield must name the API's audience.</summary>
    public string Scope { get; set; } = "openid profile";
}

/// <summary>Refuses a JWT configuration that could not authenticate anyone safely, at start-up.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.BootstrapKeyLifetime <= TimeSpan.Zero || options.BootstrapKeyLifetime > Domain.Access.ManageApiKeys.MaxLifetime)
        {
            failures.Add($"{AuthOptions.Section}:BootstrapKeyLifetime must be positive and at most {Domain.Access.ManageApiKeys.MaxLifetime.TotalDays:0} days.");
        }

        var jwt = options.Jwt;
        if (jwt.Enabled)
        {
            const string prefix = AuthOptions.Section + ":Jwt:";
            if (string.IsNullOrWhiteSpace(jwt.Audience))
            {
                failures.Add(prefix + "Audience is required when JWT authentication is configured.");
            }

            var discovery = !string.IsNullOrWhiteSpace(jwt.Authority) || !string.IsNullOrWhiteSpace(jwt.MetadataAddress);
            var keys = (string.IsNullOrWhiteSpace(jwt.SigningKeyPem) ? 0 : 1) + (string.IsNullOrWhiteSpace(jwt.SymmetricKey) ? 0 : 1);
            if (!discovery && (string.IsNullOrWhiteSpace(jwt.Issuer) || keys != 1))
            {
                failures.Add(prefix + "Issuer needs exactly one of SigningKeyPem or SymmetricKey (or configure Authority for OpenID Connect discovery).");
            }

            if (!string.IsNullOrWhiteSpace(jwt.SymmetricKey) && JwtSetup.SymmetricKeyBytes(jwt.SymmetricKey) is null)
            {
                failures.Add(prefix + "SymmetricKey must be base64 of at least 32 bytes.");
            }

            if (string.IsNullOrWhiteSpace(jwt.NameClaim) || string.IsNullOrWhiteSpace(jwt.RoleClaim) || string.IsNullOrWhiteSpace(jwt.InstitutionClaim))
            {
                failures.Add(prefix + "NameClaim, RoleClaim and InstitutionClaim must not be empty.");
            }

            foreach (var (from, to) in jwt.RoleMap)
            {
                if (!AccessClaims.RolesByName.ContainsKey(to))
                {
                    failures.Add($"{prefix}RoleMap maps '{from}' to '{to}', which is not a role ({string.Join(", ", AccessClaims.RolesByName.Keys)}).");
                }
            }

            if (jwt.RequireHttpsMetadata && new[] { jwt.Authority, jwt.MetadataAddress }.Any(u => u?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true))
            {
                failures.Add(prefix + "Authority and MetadataAddress must be https:// URLs (RequireHttpsMetadata=false allows http:// for development only).");
            }

            if (!string.IsNullOrWhiteSpace(jwt.Workspace.ClientId) && !discovery)
            {
                failures.Add(prefix + "Workspace:ClientId needs Authority or MetadataAddress: the workspace finds the issuer's sign-in and token endpoints by discovery.");
            }

            if (string.IsNullOrWhiteSpace(jwt.Workspace.Scope) || jwt.Workspace.Scope.Any(char.IsControl))
            {
                failures.Add(prefix + "Workspace:Scope must name at least one scope.");
            }

            if (jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > TimeSpan.FromMinutes(10))
            {
                failures.Add(prefix + "ClockSkew must be between 0 and 10 minutes.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
