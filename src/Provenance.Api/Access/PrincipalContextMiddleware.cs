using Provenance.Domain.Access;
using Provenance.Domain.Common;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Access;

/// <summary>
/// Copies the authenticated principal into the request context, which is where event metadata
/// takes its actor from: the actor is whoever the credential names, never a value of the body.
/// The role recorded is refined per command by <see cref="AccessBehavior{TRequest, TResponse}"/>.
/// </summary>
internal sealed class PrincipalContextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, RequestContext requestContext)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && user.FindFirst(AccessClaims.Principal)?.Value is { } principal)
        {
            requestContext.ActorId = principal;
            requestContext.Roles = AccessClaims.RolesOf(user);
            requestContext.Institution = AccessClaims.InstitutionOf(user);
            // Until a command's access check says which role it acts under: the least powerful one held.
            requestContext.ActorRole = requestContext.Roles.Count == 0 ? "none" : Names.Of(requestContext.Roles.Min());
        }

        return next(context);
    }
}
