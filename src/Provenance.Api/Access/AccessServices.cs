using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Provenance.Ledger.Access;

namespace Provenance.Api.Access;

/// <summary>Authentication (API keys, and JWT when configured) and the role policies; the key directory behind them is the ledger's.</summary>
internal static class AccessServices
{
    /// <summary>The default scheme: picks the API-key or the JWT handler by the credential presented.</summary>
    public const string Scheme = "Provenance";

    public static WebApplicationBuilder AddAccess(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        var jwt = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()?.Jwt ?? new JwtOptions();

        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or JWT bearer", o => o.ForwardDefaultSelector = context =>
                jwt.Enabled && !context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header) &&
                context.Request.Headers[HeaderNames.Authorization].ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (jwt.Enabled)
        {
            authentication.AddJwtBearer(o => JwtSetup.Configure(o, jwt));
        }

        services.AddAuthorization(AccessPolicies.AddPolicies);
        services.AddSingleton<SigningIn.WorkspaceSignIn>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return builder;
    }
}
