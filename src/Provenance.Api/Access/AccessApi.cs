using MediatR;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Access.IssuingApiKey;
using Provenance.Api.Infrastructure.Http;
using static Provenance.Api.Infrastructure.Http.CommandEndpoints;
using Provenance.Ledger.Access;
using Provenance.Ledger.Access.IssuingApiKey;
using Provenance.Ledger.Access.ListingApiKeys;
using Provenance.Ledger.Access.RevokingApiKey;
using Provenance.Ledger.Streams;

namespace Provenance.Api.Access;

/// <summary>API keys: issued, listed, expired and revoked by administrators, each change an event on the ledger.</summary>
internal static class AccessApi
{
    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder app)
    {
        // #8: who the caller is, so a client (the lineage explorer) offers only what the caller's roles may do.
        app.MapGet("/access/me", (Ledger.Infrastructure.Commands.RequestContext caller) =>
                TypedResults.Ok(new CallerView(caller.ActorId, [.. caller.Roles.Select(Domain.Common.Names.Of).Order(StringComparer.Ordinal)], caller.Institution)))
            .WithTags("Access").WithName("GetCaller").RequireAuthorization(AccessPolicies.Read)
            .WithSummary("The authenticated caller: principal, roles and (for a steward) institution");

        var keys = app.MapGroup("/access/api-keys").WithTags("Access").RequireAuthorization(AccessPolicies.Admin);

        keys.MapPost("/", IssueApiKeyEndpoint.Handle)
            .WithName("IssueApiKey")
            .WithSummary("Issue an API key for a principal, with roles, an institution (required for stewards) and an expiry; the key is in this response and nowhere else")
            .Accepts<IssueApiKeyRequest>("application/json")
            .Produces<IssuedApiKey>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        keys.MapGet("/",
                (string? principal, string? after, int? limit, IMediator mediator, CancellationToken ct) =>
                    mediator.Send(new ListApiKeysQuery(principal, after, limit), ct))
            .WithName("ListApiKeys").WithSummary("API keys in issuance order, with their status (active, expired, revoked), never their secrets; cursor-paged")
            .Produces<Page<ApiKeyView>>().ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        keys.MapGet("/{id:guid}", (Guid id, IMediator mediator, CancellationToken ct) => mediator.Send(new GetApiKeyQuery(id), ct))
            .WithName("GetApiKey").WithSummary("An API key's principal, roles, institution, expiry and status")
            .Produces<ApiKeyView>().ProducesProblem(StatusCodes.Status404NotFound);

        keys.MapPost("/{id:guid}/revocation",
                (Guid id, RevokeApiKeyRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new RevokeApiKeyCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .Write<RevokeApiKeyRequest>("RevokeApiKey", "Revoke an API key: it authenticates nobody from the next request on", created: false);

        keys.MapPost("/{id:guid}/expiry",
                (Guid id, ChangeApiKeyExpiryRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new ChangeApiKeyExpiryCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .Write<ChangeApiKeyExpiryRequest>("ChangeApiKeyExpiry", "Expire an API key now (no expiresAt) or move its expiry, within the longest lifetime from its issuance", created: false);

        return app;
    }
}

/// <summary>The authenticated caller, as <c>GET /access/me</c> describes it.</summary>
public sealed record CallerView(string Principal, IReadOnlyList<string> Roles, string? Institution);
