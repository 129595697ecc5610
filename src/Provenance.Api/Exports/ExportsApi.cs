using Provenance.Api.Access;
using Provenance.Api.Exports.ExportingBundle;

namespace Provenance.Api.Exports;

/// <summary>Audit bundles, for regulators to verify offline.</summary>
internal static class ExportsApi
{
    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("").WithTags("Exports").RequireAuthorization(AccessPolicies.Export).MapExportBundle();
        return app;
    }
}
