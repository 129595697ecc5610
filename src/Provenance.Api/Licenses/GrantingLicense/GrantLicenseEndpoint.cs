using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Licenses.GrantingLicense;

namespace Provenance.Api.Licenses.GrantingLicense;

/// <summary><c>POST /datasets/{id}/licenses</c>: put a license, data use agreement or business associate agreement on a dataset.</summary>
internal static class GrantLicenseEndpoint
{
    public static RouteHandlerBuilder MapGrantLicense(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/licenses", Handle)
            .Write<GrantLicenseRequest>("GrantLicense", "Put a license, data use agreement or business associate agreement on a dataset", created: true);

    public static Task<Created<CommandResult>> Handle(
        Guid id, GrantLicenseRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new GrantLicenseCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
