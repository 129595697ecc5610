using System.Security.Claims;
using Provenance.Domain.Access;
using Provenance.Domain.Common;
using Provenance.Ledger.Access;

namespace Provenance.Api.Access;

/// <summary>
/// The claims every authenticated principal carries, whichever way it authenticated (API key or
/// JWT): who, in which roles, for which institution, by which method and, for a key, which key.
/// </summary>
internal static class AccessClaims
{
    public const string Principal = "provenance:principal";
    public const string Role = "provenance:role";
    public const string Institution = "provenance:institution";
    public const string KeyId = "provenance:key-id";
    public const string AuthMethod = "provenance:auth-method";

    public const string ApiKeyMethod = "api-key";
    public const string JwtMethod = "jwt";

    /// <summary>Every role by its wire name (kebab-case), as claims and event metadata spell it.</summary>
    public static IReadOnlyDictionary<string, Role> RolesByName { get; } =
        Enum.GetValues<Role>().ToDictionary(r => Names.Of(r), r => r, StringComparer.Ordinal);

    public static ClaimsPrincipal Create(string authenticationType, string principal, IEnumerable<Role> roles, string? institution, string? keyId)
    {
        var identity = new ClaimsIdentity(authenticationType, Principal, Role);
        identity.AddClaim(new Claim(Principal, principal));
        identity.AddClaims(roles.Distinct().Select(r => new Claim(Role, Names.Of(r))));
        if (!string.IsNullOrWhiteSpace(institution))
        {
            identity.AddClaim(new Claim(Institution, institution));
        }

        if (keyId is not null)
        {
            identity.AddClaim(new Claim(KeyId, keyId));
        }

        identity.AddClaim(new Claim(AuthMethod, authenticationType));
        return new ClaimsPrincipal(identity);
    }

    public static IReadOnlySet<Role> RolesOf(ClaimsPrincipal user) =>
        user.FindAll(Role).Select(c => RolesByName.TryGetValue(c.Value, out var role) ? role : (Role?)null).OfType<Role>().ToHashSet();

    public static string? InstitutionOf(ClaimsPrincipal user) => user.FindFirst(Institution)?.Value;
}
