using Provenance.Api.Access;
using Provenance.Api.Deidentification.DecidingDeidentification;
using Provenance.Api.Deidentification.GettingDecision;
using Provenance.Api.Deidentification.RescindingDecision;

namespace Provenance.Api.Deidentification;

/// <summary>De-identification decisions on dataset versions, and their rescissions.</summary>
internal static class DeidentificationApi
{
    public static IEndpointRouteBuilder MapDeidentificationApi(this IEndpointRouteBuilder app)
    {
        // A decision's read is part of its dataset's resource and listed with the datasets.
        app.MapGroup("/datasets").WithTags("Datasets").RequireAuthorization(AccessPolicies.Read).MapGetDecision();

        var writes = app.MapGroup("/datasets").WithTags("De-identification").RequireAuthorization(AccessPolicies.DatasetWrite);
        writes.MapDecideDeidentification();
        writes.MapRescindDecision();
        return app;
    }
}
