using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Domain.Access;
using Provenance.Ledger.Access;
using Provenance.Ledger.Access.IssuingApiKey;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Api.Access.IssuingApiKey;

internal static class IssueApiKeyEndpoint
{
    public static async Task<IResult> Handle(IssueApiKeyRequest body, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
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
