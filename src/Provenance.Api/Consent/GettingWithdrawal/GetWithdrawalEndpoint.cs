using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Consent.GettingWithdrawal;

namespace Provenance.Api.Consent.GettingWithdrawal;

/// <summary><c>GET /datasets/{id}/consent-withdrawals/{withdrawalId}</c>: one consent withdrawal, with the dataset's ETag.</summary>
internal static class GetWithdrawalEndpoint
{
    public static RouteHandlerBuilder MapGetWithdrawal(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}/consent-withdrawals/{withdrawalId:guid}", Handle)
            .WithName("GetConsentWithdrawal")
            .WithSummary("One consent withdrawal recorded for a dataset")
            .Produces<Domain.Consent.ConsentWithdrawn>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Ok<Domain.Consent.ConsentWithdrawn>> Handle(Guid id, Guid withdrawalId, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var (part, streamVersion) = await mediator.Send(new GetWithdrawalQuery(id, withdrawalId, asOf), cancellationToken);
        return HttpResults.Tagged(context, part, streamVersion);
    }
}
