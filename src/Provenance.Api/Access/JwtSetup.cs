using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Provenance.Domain.Access;
using Provenance.Ledger.Access;

namespace Provenance.Api.Access;

/// <summary>
/// JWT bearer tokens (<c>Authorization: Bearer</c>): validated against the configured issuer,
/// audience, lifetime and signing keys, then turned into the same claims an API key gives
/// (<see cref="AccessClaims"/>): the name claim, the roles claim mapped to our roles, the institution claim.
/// </summary>
internal static class JwtSetup
{
    public static void Configure(JwtBearerOptions bearer, JwtOptions jwt)
    {
        bearer.MapInboundClaims = false;
        bearer.IncludeErrorDetails = false;
        bearer.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        if (!string.IsNullOrWhiteSpace(jwt.Authority))
        {
            bearer.Authority = jwt.Authority;
        }

        if (!string.IsNullOrWhiteSpace(jwt.MetadataAddress))
        {
            bearer.MetadataAddress = jwt.MetadataAddress;
        }

        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = string.IsNullOrWhiteSpace(jwt.Issuer) ? null : jwt.Issuer,
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = jwt.ClockSkew,
            NameClaimType = jwt.NameClaim,
            RoleClaimType = jwt.RoleClaim,
        };
        if (SigningKey(jwt) is { } key)
        {
            bearer.TokenValidationParameters.IssuerSigningKey = key;
        }

        bearer.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                var token = context.Principal!;
                var name = token.FindFirst(jwt.NameClaim)?.Value;
                if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Any(char.IsControl))
                {
                    context.Fail(new SecurityTokenValidationException($"The token has no usable '{jwt.NameClaim}' claim."));
                    return Task.CompletedTask;
                }

                if (ReservedPrincipals.IsReserved(name))
                {
                    context.Fail(new SecurityTokenValidationException($"The token's '{jwt.NameClaim}' claim names a principal reserved for the service's own writes."));
                    return Task.CompletedTask;
                }

                context.Principal = AccessClaims.Create(AccessClaims.JwtMethod, name, Roles(token, jwt), token.FindFirst(jwt.InstitutionClaim)?.Value, keyId: null);
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The roles a token grants: values of the role claim that are our role names or mapped to one; anything else is ignored.</summary>
    public static IEnumerable<Role> Roles(ClaimsPrincipal token, JwtOptions jwt) =>
        token.FindAll(jwt.RoleClaim)
            .Select(c => jwt.RoleMap.TryGetValue(c.Value, out var mapped) ? mapped : c.Value)
            .Select(name => AccessClaims.RolesByName.TryGetValue(name, out var role) ? role : (Role?)null)
            .OfType<Role>();

    public static byte[]? SymmetricKeyBytes(string base64)
    {
        try
        {
            var bytes = Convert.FromBase64String(base64.Trim());
            return bytes.Length >= 32 ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static SecurityKey? SigningKey(JwtOptions jwt)
    {
        if (!string.IsNullOrWhiteSpace(jwt.SymmetricKey))
        {
            return new SymmetricSecurityKey(SymmetricKeyBytes(jwt.SymmetricKey));
        }

        if (string.IsNullOrWhiteSpace(jwt.SigningKeyPem))
        {
            return null;
        }

        // The setting names the problem; the PEM itself is never echoed.
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(jwt.SigningKeyPem);
            return new RsaSecurityKey(rsa);
        }
        catch (ArgumentException)
        {
            rsa.Dispose();
        }

        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(jwt.SigningKeyPem);
            return new ECDsaSecurityKey(ec);
        }
        catch (ArgumentException)
        {
            ec.Dispose();
            throw new InvalidOperationException($"{AuthOptions.Section}:Jwt:SigningKeyPem is not an RSA or EC public key in PEM.");
        }
    }
}
