using System.Security.Cryptography;
using System.Text;
using Provenance.Api.Infrastructure.Commands;

namespace Provenance.Api.Seeding;

/// <summary>
/// The identity the service itself uses to load its demo scenario: a random secret made at start-up
/// and known only inside the process. A request carrying it acts as <c>seed-loader</c> in the
/// <c>admin</c> role (the scenario includes an administrator's clearance override). Every other
/// caller is anonymous until authentication arrives (issue #6), which replaces this with a key.
/// </summary>
internal sealed class SeedPrincipal
{
    public const string Header = "X-Provenance-Seed-Token";
    public const string ActorId = "seed-loader";

    public string Token { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public bool Authenticates(HttpContext context)
    {
        var presented = context.Request.Headers[Header].ToString();
        return presented.Length > 0 &&
               CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(Token));
    }
}

/// <summary>Sets the request's actor from the seed token when it is presented.</summary>
internal sealed class SeedPrincipalMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, SeedPrincipal seed, RequestContext requestContext)
    {
        if (seed.Authenticates(context))
        {
            requestContext.ActorId = SeedPrincipal.ActorId;
            requestContext.ActorRole = Roles.Admin;
        }

        return next(context);
    }
}
