using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Access;
using Provenance.Ledger.Access.GettingApiKey;

namespace Provenance.Api.Access.GettingApiKey;

/// <summary><c>GET /access/api-keys/{id}</c>: one API key, never its secret.</summary>
internal static class GetApiKeyEndpoint
{
    public static RouteHandlerBuilder MapGetApiKey(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{id:guid}", Handle)
            .WithName("GetApiKey")
            .WithSummary("An API key's principal, roles, institution, expiry and status")
            .Produces<ApiKeyView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static Task<ApiKeyView> Handle(Guid id, IMediator mediator, CancellationToken cancellationToken) =>
        mediator.Send(new GetApiKeyQuery(id), cancellationToken);
}
