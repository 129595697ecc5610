using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Provenance.Api.Tests.Access;

/// <summary>JWTs from the fixture's test issuer (and forgeries of them).</summary>
internal static class Tokens
{
    public static string Issue(
        string subject, string[] roles, string? institution = null, string audience = ApiFixture.JwtAudience, string issuer = ApiFixture.JwtIssuer,
        DateTime? expires = null, byte[]? key = null)
    {
        var claims = new List<Claim> { new("sub", subject) };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        if (institution is not null)
        {
            claims.Add(new Claim("institution", institution));
        }

        var notBefore = (expires ?? DateTime.UtcNow.AddMinutes(10)).AddHours(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            NotBefore = notBefore,
            IssuedAt = notBefore,
            Expires = expires ?? DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? ApiFixture.JwtSigningKey), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The token with its payload changed (roles raised to admin) but its signature kept.</summary>
    public static string Tampered(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var raised = payload.Replace("\"regulator\"", "\"admin\"", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(raised))}.{parts[2]}";
    }

    /// <summary>An unsigned token ("alg": "none") claiming the admin role.</summary>
    public static string Unsigned(string subject) =>
        Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." +
        Base64UrlEncoder.Encode($"{{\"sub\":\"{subject}\",\"roles\":[\"admin\"],\"iss\":\"{ApiFixture.JwtIssuer}\",\"aud\":\"{ApiFixture.JwtAudience}\",\"exp\":{DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()}}}") + ".";

    public static HttpRequestMessage Get(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
