using Provenance.Domain.Access;

namespace Provenance.Domain.Tests.Access;

public sealed class ManagingApiKeysTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static ApiKeyIssued Issued(IReadOnlyList<Role>? roles = null, string? institution = "Mercy Regional Health", TimeSpan? lifetime = null) =>
        new(Guid.NewGuid(), "dana@mercy.example", roles ?? [Role.Steward], institution, new string('a', 64), Now + (lifetime ?? TimeSpan.FromDays(90)),
            "steward key", "admin", Now);

    [Fact]
    public void A_steward_key_names_its_institution()
    {
        Assert.Equal("institution-missing", Refused.Single(() => ManageApiKeys.Issue(Issued(institution: null))).Code);
        Assert.NotNull(ManageApiKeys.Issue(Issued(roles: [Role.Regulator], institution: null)));
    }

    [Fact]
    public void A_key_has_roles_each_once_and_a_bounded_future_expiry()
    {
        Assert.Equal(["roles-missing"], Refused.Codes(() => ManageApiKeys.Issue(Issued(roles: []))));
        Assert.Equal(["duplicate-role"], Refused.Codes(() => ManageApiKeys.Issue(Issued(roles: [Role.Admin, Role.Admin]))));
        Assert.Equal(["expiry-not-in-future"], Refused.Codes(() => ManageApiKeys.Issue(Issued(lifetime: TimeSpan.Zero))));
        Assert.Equal(["lifetime-too-long"], Refused.Codes(() => ManageApiKeys.Issue(Issued(lifetime: TimeSpan.FromDays(400)))));
        Assert.Equal(["hash-malformed"], Refused.Codes(() => ManageApiKeys.Issue(Issued() with { SecretSha256 = "secret" })));
    }

    [Fact]
    public void A_key_authenticates_until_it_expires_or_is_revoked()
    {
        var issued = Issued();
        var key = ApiKey.Fold([issued])!;
        Assert.True(key.IsActiveAt(Now.AddDays(1)));
        Assert.Equal("expired", key.StatusAt(issued.ExpiresAt));

        var expired = key.Apply(ManageApiKeys.ChangeExpiry(key, new ApiKeyExpiryChanged(key.Id, Now.AddHours(1), "rotated", "admin", Now)));
        Assert.False(expired.IsActiveAt(Now.AddHours(2)));

        var revoked = key.Apply(ManageApiKeys.Revoke(key, new ApiKeyRevoked(key.Id, "laptop lost", "admin", Now)));
        Assert.Equal("revoked", revoked.StatusAt(Now));
        Assert.Equal("already-revoked", Refused.Single(() => ManageApiKeys.Revoke(revoked, new ApiKeyRevoked(key.Id, "again", "admin", Now))).Code);
        Assert.Equal("already-revoked", Refused.Single(() => ManageApiKeys.ChangeExpiry(revoked, new ApiKeyExpiryChanged(key.Id, Now, "x", "admin", Now))).Code);
    }

    [Fact]
    public void An_expiry_moves_to_now_or_later_and_never_past_the_longest_lifetime()
    {
        var key = ApiKey.Fold([Issued()])!;
        ApiKeyExpiryChanged Change(DateTimeOffset to) => new(key.Id, to, "rotation", "admin", Now.AddDays(1));

        Assert.Equal(Now.AddDays(1), ManageApiKeys.ChangeExpiry(key, Change(Now.AddDays(1))).ExpiresAt);
        Assert.NotNull(ManageApiKeys.ChangeExpiry(key, Change(Now + ManageApiKeys.MaxLifetime)));
        Assert.Equal(["expiry-in-past"], Refused.Codes(() => ManageApiKeys.ChangeExpiry(key, Change(Now))));
        Assert.Equal(["lifetime-too-long"], Refused.Codes(() => ManageApiKeys.ChangeExpiry(key, Change(Now + ManageApiKeys.MaxLifetime + TimeSpan.FromSeconds(1)))));
    }

    [Fact]
    public void A_key_stream_starts_with_its_issuance()
    {
        Assert.Null(ApiKey.Fold([]));
        Assert.Throws<InvalidOperationException>(() => ApiKey.Fold([new ApiKeyRevoked(Guid.NewGuid(), "r", "admin", Now)]));
    }
}
