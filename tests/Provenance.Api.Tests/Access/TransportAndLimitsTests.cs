using System.Net;
using Microsoft.AspNetCore.Hosting;
using Provenance.Domain.Access;

namespace Provenance.Api.Tests.Access;

/// <summary>Rate limits, security headers, HTTPS redirection and HSTS, and CORS.</summary>
public sealed class TransportAndLimitsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_principal_over_its_limit_gets_a_429_problem_with_retry_after_and_others_are_unaffected()
    {
        await using var instance = api.NewInstance().WithWebHostBuilder(web =>
        {
            web.UseSetting("Provenance:RateLimit:PermitLimit", "3");
            web.UseSetting("Provenance:RateLimit:AnonymousPermitLimit", "2");
            web.UseSetting("Provenance:RateLimit:Window", "00:10:00");
        });
        var regulatorKey = await api.IssueKeyAsync("busy-auditor@mercy.example", [Role.Regulator], null);
        using var regulator = api.ClientWithKey(regulatorKey, instance);
        using var admin = api.AdminClientOf(instance);
        using var anonymous = instance.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await regulator.GetAsync("/datasets");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await regulator.GetAsync("/datasets");
        using var otherPrincipal = await admin.GetAsync("/datasets");
        var probes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var probe = await anonymous.GetAsync("/health/live");
            probes.Add(probe.StatusCode);
        }

        var problem = await Problems.AssertAsync(refused, HttpStatusCode.TooManyRequests, "too-many-requests");
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 600);
        Assert.Contains("try again", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, otherPrincipal.StatusCode);
        Assert.All(probes, p => Assert.Equal(HttpStatusCode.OK, p));
    }

    [Fact]
    public async Task Callers_without_valid_credentials_share_their_address_s_smaller_budget()
    {
        await using var instance = api.NewInstance().WithWebHostBuilder(web =>
        {
            web.UseSetting("Provenance:RateLimit:AnonymousPermitLimit", "2");
            web.UseSetting("Provenance:RateLimit:Window", "00:10:00");
        });
        using var guesser = instance.CreateClient();
        guesser.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "ApiKey pvk_" + Guid.NewGuid().ToString("N") + "_" + new string('A', 43));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await guesser.GetAsync("/datasets");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Theory]
    [InlineData("/datasets", true, HttpStatusCode.OK)]
    [InlineData("/datasets", false, HttpStatusCode.Unauthorized)]
    [InlineData("/no-such-thing", true, HttpStatusCode.NotFound)]
    [InlineData("/health/live", false, HttpStatusCode.OK)]
    public async Task Every_response_carries_the_security_headers(string path, bool authenticated, HttpStatusCode status)
    {
        using var anonymous = api.Anonymous();

        using var response = await (authenticated ? api.Client : anonymous).GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        if (authenticated)
        {
            Assert.True(response.Headers.CacheControl?.NoStore, "an authenticated response must not be stored");
        }
    }

    [Fact]
    public async Task Outside_development_http_is_redirected_to_https_and_https_answers_carry_hsts()
    {
        await using var instance = api.NewInstance().WithWebHostBuilder(web =>
        {
            web.UseSetting("Provenance:Https:Redirect", "true");
            web.UseSetting("https_port", "443");
        });
        using var client = instance.CreateDefaultClient(new Uri("http://ledger.example/"));

        using var plain = await client.GetAsync("/health/live");
        using var secure = await client.GetAsync(new Uri("https://ledger.example/health/live"));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, plain.StatusCode);
        Assert.Equal("https://ledger.example/health/live", plain.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        Assert.Contains("max-age=31536000", secure.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_is_closed_unless_origins_are_configured()
    {
        await using var open = api.NewInstance().WithWebHostBuilder(web => web.UseSetting("Provenance:Cors:AllowedOrigins:0", "https://portal.mercy.example"));
        using var closedClient = api.Anonymous();
        using var openClient = open.CreateClient();

        using var closed = await closedClient.SendAsync(Preflight("https://portal.mercy.example"));
        using var allowed = await openClient.SendAsync(Preflight("https://portal.mercy.example"));
        using var otherOrigin = await openClient.SendAsync(Preflight("https://evil.example"));

        Assert.False(closed.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal("https://portal.mercy.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(otherOrigin.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/datasets");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}
