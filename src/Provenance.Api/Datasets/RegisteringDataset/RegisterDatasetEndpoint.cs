using MediatR;
using Provenance.Api.Access;
using Provenance.Api.Infrastructure.Http;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.EventStore;
using Provenance.Ledger.Access;
using Provenance.Ledger.Datasets.RegisteringDataset;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Api.Datasets.RegisteringDataset;

internal static class RegisterDatasetEndpoint
{
    public static async Task<IResult> Handle(RegisterDatasetRequest body, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(new RegisterDatasetCommand(body), cancellationToken);
        return HttpResults.Created(context, result);
    }
}
