using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Consent.WithdrawingConsent;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Consent.WithdrawingConsent;

/// <summary><c>POST /datasets/{id}/versions/{version}/consent-withdrawals</c>: record that subjects withdrew consent (a count, never who).</summary>
internal static class WithdrawConsentEndpoint
{
    public static RouteHandlerBuilder MapWithdrawConsent(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/versions/{version:int}/consent-withdrawals", Handle)
            .Write<WithdrawConsentRequest>("WithdrawConsent", "Record that subjects of a dataset version withdrew consent (a count, never who)", created: true);

    public static Task<Created<CommandResult>> Handle(
        Guid id, int version, WithdrawConsentRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new WithdrawConsentCommand(id, version, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
