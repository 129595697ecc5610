using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Domain.Datasets;
using Provenance.Ledger.Datasets.GettingDataset;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Api.Datasets.GettingDataset;

internal static class GetDatasetEndpoint
{
    public static async Task<IResult> Handle(Guid id, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var view = await mediator.Send(new GetDatasetQuery(id, asOf), cancellationToken);
        context.Response.Headers.ETag = HttpResults.ETag(view.Version);
        return TypedResults.Ok(view);
    }
}
