using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Models.AuthorizingChangeControlPlan;

namespace Provenance.Api.Models.AuthorizingChangeControlPlan;

/// <summary><c>POST /models/{id:guid}/change-control-plans</c>: record a predetermined change control plan the FDA authorized for the device model.</summary>
internal static class AuthorizeChangeControlPlanEndpoint
{
    public static RouteHandlerBuilder MapAuthorizeChangeControlPlan(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/{id:guid}/change-control-plans", Handle)
            .Write<AuthorizeChangeControlPlanRequest>("AuthorizeChangeControlPlan", "Record an authorized predetermined change control plan (PCCP) of a marketed device model", created: true);

    public static Task<Created<CommandResult>> Handle(
        Guid id, AuthorizeChangeControlPlanRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new AuthorizeChangeControlPlanCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
