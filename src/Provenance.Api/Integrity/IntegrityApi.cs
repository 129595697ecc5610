using Provenance.Api.Access;
using Provenance.Api.Integrity.CreatingCheckpoint;
using Provenance.Api.Integrity.GettingCheckpoints;
using Provenance.Api.Integrity.ProvingConsistency;
using Provenance.Api.Integrity.ProvingInclusion;
using Provenance.Api.Integrity.ProvingStreamIndex;

namespace Provenance.Api.Integrity;

/// <summary>Signed checkpoints of the log's Merkle tree, and proofs against them (#5; docs/integrity.md).</summary>
internal static class IntegrityApi
{
    public static IEndpointRouteBuilder MapIntegrityApi(this IEndpointRouteBuilder app)
    {
        var checkpoints = app.MapGroup("/checkpoints").WithTags("Integrity").RequireAuthorization(AccessPolicies.Read);
        checkpoints.MapCreateCheckpoint().RequireAuthorization(AccessPolicies.Admin);
        checkpoints.MapGetCheckpoints();
        checkpoints.MapGetConsistencyProof();
        var proofs = app.MapGroup("").WithTags("Integrity").RequireAuthorization(AccessPolicies.Read);
        proofs.MapGetInclusionProof();
        proofs.MapGetStreamIndexProof();
        return app;
    }
}
