using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Datasets.ContributingVersion;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Datasets.ContributingVersion;

/// <summary><c>POST /datasets/{id}/versions</c>: contribute the next version of a dataset.</summary>
internal static class ContributeVersionEndpoint
{
    public static RouteHandlerBuilder MapContributeVersion(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/versions", Handle)
            .Write<ContributeVersionRequest>("ContributeDatasetVersion", "Contribute the next version of a dataset: its manifest and fingerprint, optionally derived from parent versions", created: true);

    public static Task<Created<CommandResult>> Handle(
        Guid id, ContributeVersionRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new ContributeVersionCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
