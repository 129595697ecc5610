using MediatR;
using Provenance.Api.Access;
using Provenance.Ledger.Workspace.GettingOverview;
using Provenance.Ledger.Workspace.ReviewingDataset;

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
        workspace.MapGet("/datasets/{id:guid}/review", Review)
            .WithName("GetDatasetReview")
            .WithSummary("A dataset as a reviewer reads it, in one answer at one log position: the dataset, the clearance of each version on a day " +
                         "(?on=, default the as-of day or today; ?commercial=true for commercial use) with its findings, the IRB protocols that covered it " +
                         "over time, and everything downstream of its versions; ?asOf=<instant> for the ledger as it stood then")
            .Produces<DatasetReview>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static Task<DatasetReview> Review(
        Guid id, DateTimeOffset? asOf, DateOnly? on, bool? commercial, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetDatasetReviewQuery(id, asOf, on, commercial ?? false), cancellationToken);

    public static Task<Overview> Handle(DateTimeOffset? asOf, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetOverviewQuery(asOf), cancellationToken);
}
