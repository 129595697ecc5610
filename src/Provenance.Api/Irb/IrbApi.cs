using Provenance.Api.Access;
using Provenance.Api.Irb.AmendingProtocol;
using Provenance.Api.Irb.ApprovingProtocol;
using Provenance.Api.Irb.ChangingProtocolStatus;
using Provenance.Api.Irb.GettingEvents;
using Provenance.Api.Irb.GettingProtocol;
using Provenance.Api.Irb.ListingProtocols;

namespace Provenance.Api.Irb;

/// <summary>IRB protocols: approvals, amendments and status changes, and where a protocol stands on a day.</summary>
internal static class IrbApi
{
    public static IEndpointRouteBuilder MapIrbApi(this IEndpointRouteBuilder app)
    {
        var reads = app.MapGroup("/irb/protocols").WithTags("IRB").RequireAuthorization(AccessPolicies.Read);
        var writes = app.MapGroup("/irb/protocols").WithTags("IRB").RequireAuthorization(AccessPolicies.IrbWrite);

        writes.MapApproveProtocol();
        reads.MapListProtocols();
        reads.MapGetProtocol();
        reads.MapGetIrbProtocolEvents();
        writes.MapAmendProtocol();
        writes.MapChangeProtocolStatus();
        return app;
    }
}
