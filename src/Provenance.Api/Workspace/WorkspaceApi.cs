using MediatR;
using Provenance.Api.Access;
using Provenance.Ledger.Workspace.GettingOverview;

namespace Provenance.Api.Workspace;

/// <summary>#21: the compliance workspace's own questions, each answered in one request.</summary>
internal static class WorkspaceApi
{
    public static IEndpointRouteBuilder MapWorkspaceApi(this IEndpointRouteBuilder app)
    {
        var workspace = app.MapGroup("").WithTags("Workspace").RequireAuthorization(AccessPolicies.Read);
        workspace.MapGet("/overview", Handle)
            .WithName("GetOverview")
            .WithSummary("How much the ledger holds, and what needs attention on the day: consent withdrawals that reach released model versions, " +
                         "IRB approvals expiring within 30, 60 or 90 days, licenses terminated or expiring on data released models were trained on, " +
                         "and monitoring findings; ?asOf=<instant> for the ledger as it stood then")
            .Produces<Overview>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static Task<Overview> Handle(DateTimeOffset? asOf, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetOverviewQuery(asOf), cancellationToken);
}
