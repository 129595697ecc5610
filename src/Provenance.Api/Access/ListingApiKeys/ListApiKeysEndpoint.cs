using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Access;
using Provenance.Ledger.Access.ListingApiKeys;
using Provenance.Ledger.Streams;

namespace Provenance.Api.Access.ListingApiKeys;

/// <summary><c>GET /access/api-keys</c>: API keys in issuance order, never their secrets.</summary>
internal static class ListApiKeysEndpoint
{
    public static RouteHandlerBuilder MapListApiKeys(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/", Handle)
            .WithName("ListApiKeys")
            .WithSummary("API keys in issuance order, with their status (active, expired, revoked), never their secrets; cursor-paged")
            .Produces<Page<ApiKeyView>>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static Task<Page<ApiKeyView>> Handle(string? principal, string? after, int? limit, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new ListApiKeysQuery(principal, after, limit), cancellationToken);
}
