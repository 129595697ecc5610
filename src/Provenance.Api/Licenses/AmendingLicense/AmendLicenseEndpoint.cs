using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Licenses.AmendingLicense;

namespace Provenance.Api.Licenses.AmendingLicense;

/// <summary><c>POST /datasets/{id}/licenses/{licenseId}/amendments</c>: change a license's terms from a date on.</summary>
internal static class AmendLicenseEndpoint
{
    public static RouteHandlerBuilder MapAmendLicense(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/licenses/{licenseId:guid}/amendments", Handle)
            .Write<AmendLicenseRequest>("AmendLicense", "Change a license's terms from a date on", created: false);

    public static Task<Ok<CommandResult>> Handle(
        Guid id, Guid licenseId, AmendLicenseRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new AmendLicenseCommand(id, licenseId, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
