using Provenance.Domain.Common;

namespace Provenance.Domain.Access;

/// <summary>An API key's state, folded from its stream.</summary>
public sealed record ApiKey(ApiKeyIssued Issued, DateTimeOffset ExpiresAt, ApiKeyRevoked? Revocation)
{
    public Guid Id => Issued.KeyId;

    /// <summary>Whether the key authenticates at <paramref name="now"/>: not revoked, not expired.</summary>
    public bool IsActiveAt(DateTimeOffset now) => Revocation is null && now < ExpiresAt;

    public string StatusAt(DateTimeOffset now) => Revocation is not null ? "revoked" : now >= ExpiresAt ? "expired" : "active";

    public ApiKey Apply(object @event) => @event switch
    {
        ApiKeyRevoked e => this with { Revocation = e },
        ApiKeyExpiryChanged e => this with { ExpiresAt = e.ExpiresAt },
        _ => throw new InvalidOperationException($"A {@event.GetType().Name} cannot be applied to API key {Id}."),
    };

    /// <summary>Folds an API key stream's events, in order, into its state (null for an empty stream).</summary>
    public static ApiKey? Fold(IEnumerable<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        ApiKey? state = null;
        foreach (var @event in events)
        {
            state = state is null
                ? @event is ApiKeyIssued issued ? new ApiKey(issued, issued.ExpiresAt, null)
                    : throw new InvalidOperationException($"An API key stream starts with its issuance, not a {@event.GetType().Name}.")
                : state.Apply(@event);
        }

        return state;
    }
}

/// <summary>Issue, revoke and expire API keys.</summary>
public static class ManageApiKeys
{
    /// <summary>The longest a key may live: keys are meant to be rotated.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(397);

    public static ApiKeyIssued Issue(ApiKeyIssued issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        var violations = new List<RuleViolation>();
        if (issued.Roles.Count == 0)
        {
            violations.Add(new("roles", "roles-missing", "A key holds at least one role."));
        }

        if (issued.Roles.Distinct().Count() != issued.Roles.Count)
        {
            violations.Add(new("roles", "duplicate-role", "A role is listed more than once."));
        }

        if (issued.Roles.Contains(Role.Steward) && string.IsNullOrWhiteSpace(issued.Institution))
        {
            violations.Add(new("institution", "institution-missing", "A steward's key names the institution the steward writes for."));
        }

        if (issued.ExpiresAt <= issued.IssuedAt)
        {
            violations.Add(new("expiresAt", "expiry-not-in-future", "A key expires after it is issued."));
        }
        else if (issued.ExpiresAt - issued.IssuedAt > MaxLifetime)
        {
            violations.Add(new("expiresAt", "lifetime-too-long", $"A key lives at most {MaxLifetime.TotalDays:0} days; issue a new one to rotate it."));
        }

        if (issued.SecretSha256.Length != 64 || !issued.SecretSha256.All(Uri.IsHexDigit))
        {
            violations.Add(new("secretSha256", "hash-malformed", "The secret's hash is 64 hex digits."));
        }

        RuleViolationException.ThrowIfAny(violations);
        return issued;
    }

    public static ApiKeyRevoked Revoke(ApiKey key, ApiKeyRevoked revoked)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(revoked);
        RuleViolationException.ThrowIfAny(key.Revocation is not null
            ? [new RuleViolation("keyId", "already-revoked", $"Key {key.Id} was already revoked on {key.Revocation.RevokedAt:yyyy-MM-dd}.")]
            : []);
        return revoked;
    }

    public static ApiKeyExpiryChanged ChangeExpiry(ApiKey key, ApiKeyExpiryChanged changed)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(changed);
        var violations = new List<RuleViolation>();
        if (key.Revocation is not null)
        {
            violations.Add(new("keyId", "already-revoked", $"Key {key.Id} is revoked; its expiry no longer matters."));
        }

        if (changed.ExpiresAt < changed.ChangedAt)
        {
            violations.Add(new("expiresAt", "expiry-in-past", "A key's new expiry is now or later: to end a key at once, expire it now or revoke it."));
        }

        if (changed.ExpiresAt - key.Issued.IssuedAt > MaxLifetime)
        {
            violations.Add(new("expiresAt", "lifetime-too-long", $"A key lives at most {MaxLifetime.TotalDays:0} days; issue a new one to rotate it."));
        }

        RuleViolationException.ThrowIfAny(violations);
        return changed;
    }
}
