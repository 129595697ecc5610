using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Licenses.TerminatingLicense;

namespace Provenance.Api.Licenses.TerminatingLicense;

/// <summary><c>POST /datasets/{id}/licenses/{licenseId}/termination</c>: end a license early.</summary>
internal static class TerminateLicenseEndpoint
{
    public static RouteHandlerBuilder MapTerminateLicense(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/licenses/{licenseId:guid}/termination", Handle)
            .Write<TerminateLicenseRequest>("TerminateLicense", "End a license early", created: false);

    public static Task<Ok<CommandResult>> Handle(
        Guid id, Guid licenseId, TerminateLicenseRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new TerminateLicenseCommand(id, licenseId, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
