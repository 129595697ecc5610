using Provenance.Domain.Access;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Access;

/// <summary>An API key as administrators see it: never its secret, nor even the secret's hash.</summary>
public sealed record ApiKeyView(
    Guid Id, string Principal, IReadOnlyList<string> Roles, string? Institution, string Description, string Status, DateTimeOffset ExpiresAt,
    string IssuedBy, DateTimeOffset IssuedAt, DateTimeOffset? RevokedAt, string? RevokedBy, string? RevocationReason)
{
    internal static ApiKeyView From(ApiKey key, DateTimeOffset now) => new(
        key.Id, key.Issued.Principal, key.Issued.Roles.Select(EnumNames.Name).ToList(), key.Issued.Institution, key.Issued.Description,
        key.StatusAt(now), key.ExpiresAt, key.Issued.IssuedBy, key.Issued.IssuedAt, key.Revocation?.RevokedAt, key.Revocation?.RevokedBy,
        key.Revocation?.Reason);
}
