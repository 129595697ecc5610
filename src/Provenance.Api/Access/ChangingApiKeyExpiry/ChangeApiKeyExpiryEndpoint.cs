using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Access.ChangingApiKeyExpiry;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Access.ChangingApiKeyExpiry;

/// <summary><c>POST /access/api-keys/{id}/expiry</c>: expire an API key now, or move its expiry.</summary>
internal static class ChangeApiKeyExpiryEndpoint
{
    public static RouteHandlerBuilder MapChangeApiKeyExpiry(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/expiry", Handle)
            .Write<ChangeApiKeyExpiryRequest>("ChangeApiKeyExpiry", "Expire an API key now (no expiresAt) or move its expiry, within the longest lifetime from its issuance", created: false);

    public static Task<Ok<CommandResult>> Handle(
        Guid id, ChangeApiKeyExpiryRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new ChangeApiKeyExpiryCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
