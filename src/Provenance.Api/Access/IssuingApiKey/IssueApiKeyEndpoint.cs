using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Access.IssuingApiKey;

namespace Provenance.Api.Access.IssuingApiKey;

/// <summary><c>POST /access/api-keys</c>: issue an API key; the key is in this response and nowhere else.</summary>
internal static class IssueApiKeyEndpoint
{
    public static RouteHandlerBuilder MapIssueApiKey(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/", Handle)
            .WithName("IssueApiKey")
            .WithSummary("Issue an API key for a principal, with roles, an institution (required for stewards) and an expiry; the key is in this response and nowhere else")
            .Accepts<IssueApiKeyRequest>("application/json")
            .Produces<IssuedApiKey>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    public static async Task<Created<IssuedApiKey>> Handle(IssueApiKeyRequest body, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var issued = await mediator.Send(new IssueApiKeyCommand(body), cancellationToken);
        context.Response.Headers.ETag = HttpResults.ETag(issued.Version);
        if (issued.Replayed)
        {
            context.Response.Headers[IdempotencyKeyMiddleware.ReplayedHeader] = "true";
        }

        return TypedResults.Created(issued.Location, issued);
    }
}
