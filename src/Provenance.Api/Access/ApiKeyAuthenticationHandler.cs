using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Provenance.Ledger.Access;

namespace Provenance.Api.Access;

/// <summary>Why a presented credential did not authenticate; the message is safe to show the caller.</summary>
internal sealed class CredentialRejectedException(string message) : Exception(message);

/// <summary>
/// Authenticates <c>Authorization: ApiKey &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>: finds the
/// key's state on the ledger by its id, compares the SHA-256 of the presented secret with the
/// recorded one in constant time, and checks that the key is neither revoked nor expired. A
/// request without credentials is left anonymous (the endpoint's policy decides); a request with
/// a credential that fails is refused, with a reason that never says which part was wrong
/// (an unknown id and a wrong secret read the same).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyDirectory directory, TimeProvider clock, IOptions<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headerKey = Request.Headers[Header];
        var authorization = Request.Headers[HeaderNames.Authorization];
        if (headerKey.Count > 1 || authorization.Count > 1 || (headerKey.Count == 1 && authorization.Count == 1))
        {
            return Reject("Send one credential: either Authorization or X-Api-Key, once.");
        }

        string presented;
        if (headerKey.Count == 1)
        {
            presented = headerKey.ToString().Trim();
        }
        else if (authorization.Count == 1)
        {
            var value = authorization.ToString();
            if (value.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
            {
                presented = value[(SchemeName.Length + 1)..].Trim();
            }
            else if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return Reject(auth.Value.Jwt.Enabled
                    ? "The bearer token is not valid."
                    : "Bearer tokens are not accepted: this service has no JWT issuer configured. Send Authorization: ApiKey <key>.");
            }
            else
            {
                return Reject("The Authorization scheme is not supported: send Authorization: ApiKey <key> or Authorization: Bearer <token>.");
            }
        }
        else
        {
            return AuthenticateResult.NoResult();
        }

        if (!ApiKeyFormat.TryParse(presented, out var keyId, out var presentedDigest))
        {
            return Reject($"The API key is malformed: a key looks like {ApiKeyFormat.Prefix}<32 hex digits>_<43 base64url characters>.");
        }

        var key = await directory.FindMatchingAsync(keyId, presentedDigest, Context.RequestAborted);
        if (key is null)
        {
            return Reject("The API key is not valid.");
        }

        var now = clock.GetUtcNow();
        if (key.Revocation is not null)
        {
            return Reject("The API key was revoked. Ask an administrator for a new one.");
        }

        if (!key.IsActiveAt(now))
        {
            return Reject(string.Create(CultureInfo.InvariantCulture, $"The API key expired at {key.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}. Ask an administrator for a new one."));
        }

        var principal = AccessClaims.Create(AccessClaims.ApiKeyMethod, key.Issued.Principal, key.Issued.Roles, key.Issued.Institution, key.Id.ToString("D"));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private static AuthenticateResult Reject(string reason) => AuthenticateResult.Fail(new CredentialRejectedException(reason));
}
