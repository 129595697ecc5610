namespace Provenance.Domain.Access;

/// <summary>What a principal may do. A principal may hold several roles.</summary>
public enum Role
{
    /// <summary>Writes contributions, decisions, licenses and consent changes, for their own institution only.</summary>
    Steward,

    /// <summary>Records IRB approvals and their changes; reads lineage.</summary>
    IrbReviewer,

    /// <summary>Reads only: lineage, checkpoints, proofs and exports.</summary>
    Regulator,

    /// <summary>Issues and revokes keys, overrides clearance, rebuilds projections.</summary>
    Admin,
}

/// <summary>
/// An API key was issued. Only the SHA-256 of its secret is recorded: the secret itself is shown
/// once, to whoever asked for the key, and is never stored or logged.
/// </summary>
public sealed record ApiKeyIssued(
    Guid KeyId,
    string Principal,
    IReadOnlyList<Role> Roles,
    string? Institution,
    string SecretSha256,
    DateTimeOffset ExpiresAt,
    string Description,
    string IssuedBy,
    DateTimeOffset IssuedAt);

/// <summary>An API key was revoked: it authenticates nobody from <see cref="RevokedAt"/> on.</summary>
public sealed record ApiKeyRevoked(Guid KeyId, string Reason, string RevokedBy, DateTimeOffset RevokedAt);

/// <summary>An API key's expiry was moved (to now, to expire it at once, or later, to extend it).</summary>
public sealed record ApiKeyExpiryChanged(Guid KeyId, DateTimeOffset ExpiresAt, string Reason, string ChangedBy, DateTimeOffset ChangedAt);
