using Provenance.Api.Access;
using Provenance.Api.Licenses.AmendingLicense;
using Provenance.Api.Licenses.GettingLicense;
using Provenance.Api.Licenses.GrantingLicense;
using Provenance.Api.Licenses.TerminatingLicense;

namespace Provenance.Api.Licenses;

/// <summary>Licenses, data use agreements and business associate agreements on datasets.</summary>
internal static class LicensesApi
{
    public static IEndpointRouteBuilder MapLicensesApi(this IEndpointRouteBuilder app)
    {
        // A license's read is part of its dataset's resource and listed with the datasets.
        app.MapGroup("/datasets").WithTags("Datasets").RequireAuthorization(AccessPolicies.Read).MapGetLicense();

        var writes = app.MapGroup("/datasets").WithTags("Licenses").RequireAuthorization(AccessPolicies.DatasetWrite);
        writes.MapGrantLicense();
        writes.MapAmendLicense();
        writes.MapTerminateLicense();
        return app;
    }
}
