using Provenance.Api.Access;
using Provenance.Api.Admin.ListingProjections;
using Provenance.Api.Admin.RebuildingProjection;

namespace Provenance.Api.Admin;

/// <summary>Operations on derived data, for administrators only.</summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("Admin").RequireAuthorization(AccessPolicies.Admin);
        admin.MapListProjections();
        admin.MapRebuildProjection();
        return app;
    }
}
