using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Provenance.Api.Infrastructure.Problems;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Api.Access;

/// <summary>
/// Answers a refused request with problem+json instead of the schemes' bare challenges:
/// <c>401 unauthenticated</c> (no credentials, or credentials that failed, with the reason) and
/// <c>403 forbidden</c> (naming the roles that would be allowed). Both happen before the endpoint
/// runs, so neither says anything about the addressed resource, not even whether it exists.
/// </summary>
internal sealed class ProblemAuthorizationResultHandler(IProblemDetailsService problems, IOptions<AuthOptions> auth) : IAuthorizationMiddlewareResultHandler
{
    private readonly string _challenge = auth.Value.Jwt.Enabled ? "ApiKey, Bearer" : "ApiKey";

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Succeeded)
        {
            await next(context);
            return;
        }

        ProblemDetails problem;
        if (authorizeResult.Challenged)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = _challenge;
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Type = ProblemTypes.Unauthenticated,
                Title = "Authentication required",
                // The handlers cache their result per request, so this repeats no lookup; the
                // authentication middleware keeps only successes, and the reason is in the failure.
                Detail = FailureReason((await context.AuthenticateAsync()).Failure),
            };
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            var allowed = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>()
                .SelectMany(r => r.AllowedRoles).Distinct().ToList() ?? [];
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Type = ProblemTypes.Forbidden,
                Title = "Not allowed",
                Detail = allowed.Count > 0
                    ? $"This request needs one of the roles {string.Join(", ", allowed)}; your credential does not grant it."
                    : "Your credential does not allow this request.",
            };
        }

        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private static string FailureReason(Exception? failure) => failure switch
    {
        null => "Send an API key (Authorization: ApiKey <key>, or X-Api-Key: <key>), or a bearer token (Authorization: Bearer <token>) where an issuer is configured.",
        CredentialRejectedException e => e.Message,
        SecurityTokenExpiredException => "The bearer token expired.",
        SecurityTokenInvalidAudienceException => "The bearer token is not meant for this service (audience).",
        SecurityTokenValidationException e when e.Message.StartsWith("The token has no usable", StringComparison.Ordinal) => e.Message,
        // Signature, issuer, format: one message, so a forger learns nothing about which check failed.
        _ => "The bearer token is not valid.",
    };
}
