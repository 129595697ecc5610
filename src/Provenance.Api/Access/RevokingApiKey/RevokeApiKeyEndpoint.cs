using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Access.RevokingApiKey;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Access.RevokingApiKey;

/// <summary><c>POST /access/api-keys/{id}/revocation</c>: revoke an API key; it authenticates nobody from the next request on.</summary>
internal static class RevokeApiKeyEndpoint
{
    public static RouteHandlerBuilder MapRevokeApiKey(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/revocation", Handle)
            .Write<RevokeApiKeyRequest>("RevokeApiKey", "Revoke an API key: it authenticates nobody from the next request on", created: false);

    public static Task<Ok<CommandResult>> Handle(
        Guid id, RevokeApiKeyRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new RevokeApiKeyCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
