using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Provenance.Api.Tests.Access;

/// <summary>
/// #21: the workspace's single sign-on. With an OpenID Connect issuer (found by discovery) and the
/// workspace's client id, <c>GET /access/sign-in</c> names the issuer's endpoints to anyone, the
/// workspace's page may call the token endpoint's origin (and no other), and a token signed with the
/// key the discovery document publishes signs in. Without a client id, or with an issuer that does
/// not answer, the workspace offers API keys only. The issuer is an in-memory stand-in behind the
/// JWT handler's own back channel, so discovery and key retrieval run as they do in production.
/// </summary>
public sealed class WorkspaceSignInTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Authority = "https://idp.provenance.test/realms/health";
    private const string TokenEndpoint = "https://tokens.provenance.test/realms/health/token";
    private static readonly RsaSecurityKey SigningKey = new(RSA.Create(2048)) { KeyId = "workspace-test" };

    /// <summary>The issuer's discovery document and key set; <c>Down</c> makes it answer 503.</summary>
    private sealed class FakeIssuer : HttpMessageHandler
    {
        public bool Down { get; init; }

        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            if (Down)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
            }

            object body = request.RequestUri!.AbsolutePath.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal)
                ? new Dictionary<string, object>
                {
                    ["issuer"] = Authority, ["authorization_endpoint"] = Authority + "/authorize", ["token_endpoint"] = TokenEndpoint,
                    ["jwks_uri"] = Authority + "/keys", ["end_session_endpoint"] = Authority + "/logout", ["response_types_supported"] = new[] { "code" },
                    ["code_challenge_methods_supported"] = new[] { "S256" },
                }
                : new { keys = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(SigningKey.Rsa.ExportParameters(false)) { KeyId = SigningKey.KeyId }) } };
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(body) });
        }
    }

    private WebApplicationFactory<Program> Instance(FakeIssuer issuer, string? clientId = "provenance-workspace") => api.NewInstance().WithWebHostBuilder(web =>
    {
        web.UseSetting("Provenance:Auth:Jwt:Issuer", "");
        web.UseSetting("Provenance:Auth:Jwt:SymmetricKey", "");
        web.UseSetting("Provenance:Auth:Jwt:Authority", Authority);
        web.UseSetting("Provenance:Auth:Jwt:Workspace:ClientId", clientId ?? "");
        web.UseSetting("Provenance:Auth:Jwt:Workspace:Scope", "openid profile ledger");
        web.ConfigureServices(services => services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = issuer));
    });

    private static string Token(string subject, string role) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("roles", role)]),
        Issuer = Authority,
        Audience = ApiFixture.JwtAudience,
        Expires = DateTime.UtcNow.AddMinutes(5),
        SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
    });

    private static string Csp(HttpResponseMessage response) => response.Headers.GetValues("Content-Security-Policy").Single();

    [Fact]
    public async Task With_an_issuer_and_a_client_id_the_workspace_signs_in_there_and_may_call_only_its_token_endpoint()
    {
        await using var instance = Instance(new FakeIssuer());
        using var client = instance.CreateClient();

        var options = await client.GetFromJsonAsync<JsonElement>("/access/sign-in");

        Assert.True(options.GetProperty("apiKey").GetBoolean());
        var oidc = options.GetProperty("oidc");
        Assert.Equal(Authority, oidc.GetProperty("issuer").GetString());
        Assert.Equal(Authority + "/authorize", oidc.GetProperty("authorizationEndpoint").GetString());
        Assert.Equal(TokenEndpoint, oidc.GetProperty("tokenEndpoint").GetString());
        Assert.Equal(Authority + "/logout", oidc.GetProperty("endSessionEndpoint").GetString());
        Assert.Equal("provenance-workspace", oidc.GetProperty("clientId").GetString());
        Assert.Equal("openid profile ledger", oidc.GetProperty("scope").GetString());

        using var page = await client.GetAsync("/explorer/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("connect-src 'self' https://tokens.provenance.test;", Csp(page), StringComparison.Ordinal);
        using var script = await client.GetAsync("/explorer/app.js");
        Assert.Contains("connect-src 'self';", Csp(script), StringComparison.Ordinal);

        // A token signed with the key the issuer publishes signs in, as whoever it names.
        using var me = await client.SendAsync(Tokens.Get("/access/me", Token("reviewer@health.example", "irb-reviewer")));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var caller = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("reviewer@health.example", caller.GetProperty("principal").GetString());
        Assert.Equal(["irb-reviewer"], caller.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Without_a_client_id_or_with_an_issuer_that_does_not_answer_the_workspace_offers_api_keys_only()
    {
        await using var withoutClient = Instance(new FakeIssuer(), clientId: null);
        using var plain = withoutClient.CreateClient();
        var options = await plain.GetFromJsonAsync<JsonElement>("/access/sign-in");
        Assert.Equal(JsonValueKind.Null, options.GetProperty("oidc").ValueKind);
        using (var page = await plain.GetAsync("/explorer/"))
        {
            Assert.Contains("connect-src 'self';", Csp(page), StringComparison.Ordinal);
        }

        var down = new FakeIssuer { Down = true };
        await using var unreachable = Instance(down);
        using var client = unreachable.CreateClient();
        var offline = await client.GetFromJsonAsync<JsonElement>("/access/sign-in");
        Assert.Equal(JsonValueKind.Null, offline.GetProperty("oidc").ValueKind);
        Assert.True(down.Requests > 0);
        using (var page = await client.GetAsync("/explorer/"))
        {
            Assert.Contains("connect-src 'self';", Csp(page), StringComparison.Ordinal);
        }

        // API keys still sign in.
        using var me = new HttpRequestMessage(HttpMethod.Get, "/access/me");
        me.Headers.Add("X-Api-Key", api.AdminKey);
        using var answer = await client.SendAsync(me);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }
}
