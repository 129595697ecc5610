using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Provenance.Domain.Access;

namespace Provenance.Api.Tests.Access;

/// <summary>Issuing, listing, expiring and revoking keys: each change an event, the secret shown once and never recorded.</summary>
public sealed class ApiKeyManagementTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static object Body(string principal, string[] roles, string? institution = null, DateTimeOffset? expiresAt = null) => new
    {
        principal, roles, institution, expiresAt = expiresAt ?? DateTimeOffset.UtcNow.AddDays(30), description = "for the tests",
    };

    private async Task<JsonElement> EventDataAsync(string type, Guid keyId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(api.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT data::text FROM provenance.events WHERE type = @type AND stream_id = @id", connection);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("id", keyId);
        return JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement.Clone();
    }

    [Fact]
    public async Task An_issued_key_is_shown_once_and_only_the_hash_of_its_secret_is_recorded()
    {
        using var response = await api.Client.PostAsJsonAsync("/access/api-keys", Body("dana@mercy.example", ["steward"], ApiFixture.Institution));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var issued = await response.Content.ReadFromJsonAsync<JsonElement>();
        var key = issued.GetProperty("key").GetString()!;
        var id = issued.GetProperty("id").GetGuid();
        Assert.Matches("^pvk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal(id, Guid.ParseExact(key[4..36], "N"));
        Assert.Equal($"/access/api-keys/{id}", response.Headers.Location?.ToString());
        var data = await EventDataAsync("access.api-key-issued", id);
        var secret = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(key[37..]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(secret)), data.GetProperty("secretSha256").GetString());
        Assert.DoesNotContain(key[37..], data.ToString(), StringComparison.Ordinal);
        Assert.Equal("admin", (await EventMetadataAsync(id)).GetProperty("actorRole").GetString());
        Assert.DoesNotContain(api.Logs.Entries, e => e.Message.Contains(key[37..], StringComparison.Ordinal));
    }

    private async Task<JsonElement> EventMetadataAsync(Guid keyId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(api.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT metadata::text FROM provenance.events WHERE stream_id = @id ORDER BY position LIMIT 1", connection);
        command.Parameters.AddWithValue("id", keyId);
        return JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement.Clone();
    }

    [Fact]
    public async Task Keys_are_listed_with_their_status_and_never_their_secret()
    {
        var active = await api.IssueKeyAsync("list-active@mercy.example", [Role.Regulator], null);
        var revoked = await api.IssueKeyAsync("list-revoked@mercy.example", [Role.Regulator], null);
        var expired = await api.IssueKeyAsync("list-expired@mercy.example", [Role.Regulator], null);
        using (var r = await api.Client.PostAsJsonAsync($"/access/api-keys/{IdOf(revoked)}/revocation", new { reason = "rotated" }))
        using (var e = await api.Client.PostAsJsonAsync($"/access/api-keys/{IdOf(expired)}/expiry", new { reason = "project ended" }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(HttpStatusCode.OK, e.StatusCode);
        }

        var text = await api.Client.GetStringAsync("/access/api-keys?limit=500");
        var items = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().ToList();

        string Status(string key) => items.Single(i => i.GetProperty("id").GetGuid() == IdOf(key)).GetProperty("status").GetString()!;
        Assert.Equal("active", Status(active));
        Assert.Equal("revoked", Status(revoked));
        Assert.Equal("expired", Status(expired));
        Assert.DoesNotContain("secretSha256", text, StringComparison.Ordinal);
        Assert.DoesNotContain(active[37..], text, StringComparison.Ordinal);
        var one = await api.Client.GetFromJsonAsync<JsonElement>($"/access/api-keys/{IdOf(revoked)}");
        Assert.Equal("rotated", one.GetProperty("revocationReason").GetString());
        var page = await api.Client.GetFromJsonAsync<JsonElement>("/access/api-keys?principal=list-active@mercy.example");
        Assert.Equal(IdOf(active), Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_key_is_not_revoked_twice_nor_extended_past_its_longest_lifetime()
    {
        var key = await api.IssueKeyAsync("rules@mercy.example", [Role.Regulator], null);
        var before = await api.CountEventsAsync();

        using var tooLong = await api.Client.PostAsJsonAsync($"/access/api-keys/{IdOf(key)}/expiry", new { expiresAt = DateTimeOffset.UtcNow.AddDays(400), reason = "forever" });
        using var past = await api.Client.PostAsJsonAsync($"/access/api-keys/{IdOf(key)}/expiry", new { expiresAt = DateTimeOffset.UtcNow.AddDays(-1), reason = "yesterday" });
        await Problems.AssertAsync(tooLong, HttpStatusCode.UnprocessableEntity, "rule-violated");
        await Problems.AssertAsync(past, HttpStatusCode.UnprocessableEntity, "rule-violated");
        Assert.Equal(before, await api.CountEventsAsync());

        using (var first = await api.Client.PostAsJsonAsync($"/access/api-keys/{IdOf(key)}/revocation", new { reason = "done" }))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var second = await api.Client.PostAsJsonAsync($"/access/api-keys/{IdOf(key)}/revocation", new { reason = "again" });
        var problem = await Problems.AssertAsync(second, HttpStatusCode.UnprocessableEntity, "rule-violated");
        Assert.Equal("already-revoked", problem.GetProperty("violations")[0].GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{\"principal\": \"p\", \"roles\": [\"steward\"], \"expiresAt\": \"2099-01-01T00:00:00Z\"}", "rule-violated")]
    [InlineData("{\"principal\": \"p\", \"roles\": [], \"expiresAt\": \"2099-01-01T00:00:00Z\"}", "validation-failed")]
    [InlineData("{\"principal\": \"p\", \"roles\": [\"superuser\"], \"expiresAt\": \"2099-01-01T00:00:00Z\"}", "validation-failed")]
    [InlineData("{\"principal\": \"p\", \"roles\": [\"admin\"]}", "validation-failed")]
    [InlineData("{\"principal\": \"p\", \"roles\": [\"admin\"], \"expiresAt\": \"2099-01-01T00:00:00Z\", \"secretSha256\": \"00\"}", "malformed-request")]
    public async Task A_key_request_that_breaks_a_rule_is_refused_and_writes_nothing(string body, string problemType)
    {
        var before = await api.CountEventsAsync();

        using var response = await api.Client.PostAsync("/access/api-keys", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await Problems.AssertAsync(response, problemType == "malformed-request" ? HttpStatusCode.BadRequest : HttpStatusCode.UnprocessableEntity, problemType);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_retried_issuance_writes_nothing_and_cannot_show_the_key_again()
    {
        var body = Body("retry@mercy.example", ["regulator"], expiresAt: new DateTimeOffset(DateTime.UtcNow.Date.AddDays(30), TimeSpan.Zero));
        var first = await SendAsync(body);
        var before = await api.CountEventsAsync();

        var replay = await SendAsync(body);

        Assert.Equal(before, await api.CountEventsAsync());
        Assert.Equal(first.Id, replay.Id);
        Assert.NotNull(first.Key);
        Assert.Null(replay.Key);
        Assert.True(replay.Replayed);
    }

    private async Task<(Guid Id, string? Key, bool Replayed)> SendAsync(object body)
    {
        using var request = Requests.Post("/access/api-keys", body, idempotencyKey: "issue-retry-1");
        var response = await api.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        // The expiry is fixed, so the body is byte-for-byte the same on the retry.
        return (json.GetProperty("id").GetGuid(), json.GetProperty("key").GetString(), response.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task The_bootstrap_administrator_key_was_issued_by_the_service_once_into_a_private_file()
    {
        await using (var second = api.NewInstance())
        using (var client = api.AdminClientOf(second))
        using (var ready = await client.GetAsync("/access/api-keys"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var bootstrap = JsonDocument.Parse(await api.Client.GetStringAsync("/access/api-keys?principal=bootstrap-admin")).RootElement.GetProperty("items");
        var key = Assert.Single(bootstrap.EnumerateArray());
        Assert.Equal("system", key.GetProperty("issuedBy").GetString());
        Assert.Equal(["admin"], key.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("system", (await EventMetadataAsync(key.GetProperty("id").GetGuid())).GetProperty("actorId").GetString());
        Assert.DoesNotContain(api.Logs.Entries, e => e.Message.Contains(api.AdminKey[37..], StringComparison.Ordinal));
        Assert.Contains(api.Logs.Entries, e => e.Message.Contains("Issued bootstrap administrator key", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            var file = api.Logs.Entries.First(e => e.Message.Contains("Issued bootstrap administrator key", StringComparison.Ordinal)).Properties["Path"]!.ToString()!;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    private static Guid IdOf(string key) => Guid.ParseExact(key[4..36], "N");
}
