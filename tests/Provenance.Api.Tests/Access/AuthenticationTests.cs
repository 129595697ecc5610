using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Provenance.Domain.Access;

using Provenance.Testing;

namespace Provenance.Api.Tests.Access;

/// <summary>Who gets in: API keys that are well-formed, known, matching, unrevoked and unexpired; JWTs that are signed, current and for us.</summary>
public sealed class AuthenticationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<JsonElement> RefusedAsync(HttpRequestMessage request, string detailContains)
    {
        using var client = api.Anonymous();
        using var response = await client.SendAsync(request);
        var problem = await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("ApiKey", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        return problem;
    }

    private static HttpRequestMessage WithKey(string key, string path = "/datasets", bool header = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (header)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }
        else
        {
            request.Headers.TryAddWithoutValidation("Authorization", "ApiKey " + key);
        }

        return request;
    }

    [Fact]
    public async Task A_request_without_credentials_is_a_401_problem_saying_how_to_authenticate()
    {
        await RefusedAsync(new HttpRequestMessage(HttpMethod.Get, "/datasets"), "Authorization: ApiKey <key>");
    }

    [Fact]
    public async Task A_valid_key_authenticates_in_either_header()
    {
        var key = await api.IssueKeyAsync("reader@mercy.example", [Role.Regulator], null);
        using var client = api.Anonymous();

        using var viaAuthorization = await client.SendAsync(WithKey(key));
        using var viaHeader = await client.SendAsync(WithKey(key, header: true));

        Assert.Equal(HttpStatusCode.OK, viaAuthorization.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaHeader.StatusCode);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("pvk_0123456789abcdef0123456789abcdef_short")]
    [InlineData("pvk_0123456789ABCDEF0123456789ABCDEF_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("pvk_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pvk_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    public async Task A_malformed_key_is_a_401_saying_what_a_key_looks_like(string key)
    {
        await RefusedAsync(WithKey(key), "malformed");
    }

    [Fact]
    public async Task An_unknown_key_and_a_wrong_secret_are_refused_alike()
    {
        var key = await api.IssueKeyAsync("guessed@mercy.example", [Role.Regulator], null);
        var wrongSecret = key[..^43] + new string('A', 42) + "A";
        var unknownId = "pvk_" + Guid.NewGuid().ToString("N") + key[^44..];

        var first = await RefusedAsync(WithKey(wrongSecret), "not valid");
        var second = await RefusedAsync(WithKey(unknownId), "not valid");

        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_id_of_another_kind_of_stream_is_just_an_unknown_key()
    {
        using var created = await api.Client.PostAsJsonAsync("/datasets", Requests.ValidDataset());
        var datasetId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        await RefusedAsync(WithKey($"pvk_{datasetId:N}_{new string('A', 43)}"), "not valid");
    }

    [Fact]
    public async Task An_expired_key_is_a_401_saying_it_expired()
    {
        var key = await api.IssueKeyAsync("leaving@mercy.example", [Role.Regulator], null);
        var id = Guid.ParseExact(key[4..36], "N");
        using var expire = await api.Client.PostAsJsonAsync($"/access/api-keys/{id}/expiry", new { reason = "left the project" });
        Assert.Equal(HttpStatusCode.OK, expire.StatusCode);

        await RefusedAsync(WithKey(key), "expired");
    }

    [Fact]
    public async Task A_revoked_key_is_refused_from_the_next_request_on()
    {
        var key = await api.IssueKeyAsync("lost-laptop@mercy.example", [Role.Regulator], null);
        using var client = api.ClientWithKey(key);
        using (var before = await client.GetAsync("/datasets"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var revoke = await api.Client.PostAsJsonAsync($"/access/api-keys/{Guid.ParseExact(key[4..36], "N")}/revocation", new { reason = "laptop lost" });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        await RefusedAsync(WithKey(key), "revoked");
    }

    [Fact]
    public async Task A_key_revoked_through_another_instance_is_refused_here_within_the_recheck_interval()
    {
        var key = await api.IssueKeyAsync("stolen-token@mercy.example", [Role.Regulator], null);
        using var client = api.ClientWithKey(key);
        using (var before = await client.GetAsync("/datasets"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await using (var other = api.NewInstance())
        {
            using var admin = api.AdminClientOf(other);
            using var revoke = await admin.PostAsJsonAsync($"/access/api-keys/{Guid.ParseExact(key[4..36], "N")}/revocation", new { reason = "token leaked" });
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        // This instance trusted the key it had matched for up to Provenance:Auth:KeyRecheckInterval (one second).
        var revokedAt = DateTime.UtcNow;
        var status = await Eventually.ReturnsAsync(async () =>
        {
            using var response = await client.GetAsync("/datasets");
            return response.StatusCode;
        }, s => s != HttpStatusCode.OK, "the other instance refuses the revoked key", TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(DateTime.UtcNow - revokedAt < TimeSpan.FromSeconds(3), "refused later than the one-second recheck interval allows");
    }

    [Fact]
    public async Task Two_credentials_at_once_are_refused()
    {
        var request = WithKey(api.AdminKey);
        request.Headers.TryAddWithoutValidation("X-Api-Key", api.AdminKey);

        await RefusedAsync(request, "one credential");
    }

    [Fact]
    public async Task An_unknown_authorization_scheme_is_refused()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/datasets");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=");

        await RefusedAsync(request, "not supported");
    }

    [Fact]
    public async Task A_signed_current_jwt_for_us_authenticates_with_its_mapped_roles()
    {
        using var client = api.Anonymous();
        var token = Tokens.Issue("auditor-17", ["ledger-regulators"]);

        using var read = await client.SendAsync(Tokens.Get("/datasets", token));
        var write = Tokens.Get("/datasets", token);
        write.Method = HttpMethod.Post;
        write.Content = JsonContent.Create(Requests.ValidDataset());
        using var written = await client.SendAsync(write);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await Problems.AssertAsync(written, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_jwt_steward_writes_under_the_token_subject()
    {
        using var client = api.Anonymous();
        var token = Tokens.Issue("oidc|dana", ["steward"], ApiFixture.Institution);
        var request = Tokens.Get("/datasets", token);
        request.Method = HttpMethod.Post;
        request.Content = JsonContent.Create(Requests.ValidDataset("registered with a token"));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var history = await api.Client.GetFromJsonAsync<JsonElement>($"{response.Headers.Location}/events");
        var metadata = history.GetProperty("items")[0].GetProperty("metadata");
        Assert.Equal("oidc|dana", metadata.GetProperty("actorId").GetString());
        Assert.Equal("steward", metadata.GetProperty("actorRole").GetString());
    }

    [Fact]
    public async Task A_tampered_jwt_is_refused()
    {
        await RefusedAsync(Tokens.Get("/access/api-keys", Tokens.Tampered(Tokens.Issue("auditor-17", ["regulator"]))), "bearer token is not valid");
    }

    [Fact]
    public async Task An_unsigned_jwt_is_refused()
    {
        await RefusedAsync(Tokens.Get("/access/api-keys", Tokens.Unsigned("mallory")), "bearer token is not valid");
    }

    [Fact]
    public async Task A_jwt_signed_with_another_key_is_refused()
    {
        var forged = Tokens.Issue("mallory", ["admin"], key: System.Text.Encoding.ASCII.GetBytes("another HMAC key of at least thirty-two bytes"));

        await RefusedAsync(Tokens.Get("/datasets", forged), "bearer token is not valid");
    }

    [Fact]
    public async Task An_expired_jwt_is_a_401_saying_it_expired()
    {
        await RefusedAsync(Tokens.Get("/datasets", Tokens.Issue("auditor-17", ["regulator"], expires: DateTime.UtcNow.AddMinutes(-5))), "expired");
    }

    [Fact]
    public async Task A_jwt_for_another_audience_is_refused()
    {
        await RefusedAsync(Tokens.Get("/datasets", Tokens.Issue("auditor-17", ["regulator"], audience: "some-other-api")), "audience");
    }

    [Fact]
    public async Task A_jwt_from_another_issuer_is_refused()
    {
        await RefusedAsync(Tokens.Get("/datasets", Tokens.Issue("auditor-17", ["regulator"], issuer: "https://evil.example")), "bearer token is not valid");
    }

    [Fact]
    public async Task A_jwt_granting_none_of_our_roles_is_authenticated_but_forbidden()
    {
        using var client = api.Anonymous();

        using var response = await client.SendAsync(Tokens.Get("/datasets", Tokens.Issue("visitor", ["viewer"])));

        await Problems.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Without_a_jwt_issuer_configured_a_bearer_token_is_refused_with_the_reason()
    {
        await using var instance = api.NewInstance().WithWebHostBuilder(web => web.UseSetting("Provenance:Auth:Jwt:Issuer", ""));
        using var client = instance.CreateClient();

        using var response = await client.SendAsync(Tokens.Get("/datasets", Tokens.Issue("auditor-17", ["regulator"])));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("no JWT issuer configured", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_probes_the_openapi_document_and_the_public_checkpoint_key_need_no_credentials()
    {
        using var client = api.Anonymous();

        foreach (var path in new[] { "/health/live", "/health/ready", "/openapi/v1.json", "/checkpoints/public-key" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_openapi_document_describes_both_schemes_and_the_refusals_of_protected_operations()
    {
        using var client = api.Anonymous();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        var list = document.GetProperty("paths").GetProperty("/datasets").GetProperty("get");
        Assert.True(list.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(list.GetProperty("responses").TryGetProperty("429", out _));
        var publicKey = document.GetProperty("paths").GetProperty("/checkpoints/public-key").GetProperty("get");
        Assert.False(publicKey.GetProperty("responses").TryGetProperty("401", out _));
    }

    [Theory]
    [InlineData("Provenance:Auth:Jwt:Audience", "", "Audience is required")]
    [InlineData("Provenance:Auth:Jwt:SymmetricKey", "c2hvcnQ=", "at least 32 bytes")]
    [InlineData("Provenance:Auth:Jwt:RoleMap:admins", "superuser", "not a role")]
    [InlineData("Provenance:Auth:Jwt:Authority", "http://issuer.example", "must be https://")]
    [InlineData("Provenance:Auth:Jwt:Workspace:ClientId", "provenance-workspace", "Workspace:ClientId needs Authority or MetadataAddress")]
    public void A_jwt_configuration_that_cannot_work_stops_start_up_naming_the_setting(string key, string value, string message)
    {
        using var instance = api.NewInstance().WithWebHostBuilder(web => web.UseSetting(key, value));

        var error = Record.Exception(() => instance.CreateClient());

        Assert.NotNull(error);
        // The test host sometimes surfaces its own ObjectDisposedException in place of the start-up
        // failure; the service logged the failure either way, and the log is what an operator reads.
        var reported = error + "\n" + string.Join("\n", api.Logs.Entries.Select(e => e.ToString()));
        Assert.Contains(message, reported, StringComparison.Ordinal);
        Assert.Contains("Provenance:Auth:Jwt:", reported, StringComparison.Ordinal);
    }
}
