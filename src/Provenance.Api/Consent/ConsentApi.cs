using Provenance.Api.Access;
using Provenance.Api.Consent.GettingWithdrawal;
using Provenance.Api.Consent.WithdrawingConsent;

namespace Provenance.Api.Consent;

/// <summary>Consent withdrawals on dataset versions: counts, never who.</summary>
internal static class ConsentApi
{
    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        // A withdrawal's read is part of its dataset's resource and listed with the datasets.
        app.MapGroup("/datasets").WithTags("Datasets").RequireAuthorization(AccessPolicies.Read).MapGetWithdrawal();
        app.MapGroup("/datasets").WithTags("Consent").RequireAuthorization(AccessPolicies.DatasetWrite).MapWithdrawConsent();
        return app;
    }
}
