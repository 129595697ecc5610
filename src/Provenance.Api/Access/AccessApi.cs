using Provenance.Api.Access.SigningIn;
using Provenance.Api.Access.ChangingApiKeyExpiry;
using Provenance.Api.Access.GettingApiKey;
using Provenance.Api.Access.GettingCaller;
using Provenance.Api.Access.IssuingApiKey;
using Provenance.Api.Access.ListingApiKeys;
using Provenance.Api.Access.RevokingApiKey;

namespace Provenance.Api.Access;

/// <summary>The caller, and API keys: issued, listed, expired and revoked by administrators, each change an event on the ledger.</summary>
internal static class AccessApi
{
    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapGetCaller().RequireAuthorization(AccessPolicies.Read);
        app.MapSignIn();

        var keys = app.MapGroup("/access/api-keys").WithTags("Access").RequireAuthorization(AccessPolicies.Admin);
        keys.MapIssueApiKey();
        keys.MapListApiKeys();
        keys.MapGetApiKey();
        keys.MapRevokeApiKey();
        keys.MapChangeApiKeyExpiry();
        return app;
    }
}
