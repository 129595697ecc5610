using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Datasets.QuarantiningVersion;
using Provenance.Ledger.Datasets.RetiringDataset;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Datasets.RetiringDataset;

/// <summary><c>POST /datasets/{id}/retirement</c>: retire a dataset; none of its versions may be used for training from then on.</summary>
internal static class RetireDatasetEndpoint
{
    public static RouteHandlerBuilder MapRetireDataset(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/retirement", Handle)
            .Write<ReasonRequest>("RetireDataset", "Retire a dataset: none of its versions may be used for training from then on", created: false);

    public static Task<Ok<CommandResult>> Handle(
        Guid id, ReasonRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new RetireDatasetCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
