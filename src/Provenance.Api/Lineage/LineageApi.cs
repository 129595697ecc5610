using Provenance.Api.Access;
using Provenance.Api.Lineage.GettingImpact;
using Provenance.Api.Lineage.GettingModelLineage;
using Provenance.Api.Lineage.GettingProtocolUsage;

namespace Provenance.Api.Lineage;

/// <summary>Lineage questions: upstream of a model version, downstream of a dataset version, what relied on a protocol.</summary>
internal static class LineageApi
{
    public static IEndpointRouteBuilder MapLineageApi(this IEndpointRouteBuilder app)
    {
        var lineage = app.MapGroup("").WithTags("Lineage").RequireAuthorization(AccessPolicies.Read);
        lineage.MapGetModelLineage();
        lineage.MapGetImpact();
        lineage.MapGetProtocolUsage();
        return app;
    }
}
