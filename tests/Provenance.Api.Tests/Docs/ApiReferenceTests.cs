using System.Net;
using System.Text.RegularExpressions;

namespace Provenance.Api.Tests.Docs;

/// <summary>#20: the interactive API reference at /docs: public, served from here (no CDN), under its own CSP. The browser test opens it and finds every tag.</summary>
public sealed partial class ApiReferenceTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_reference_page_is_served_without_a_key_its_scripts_from_here_each_allowed_by_the_pages_nonce()
    {
        using var anonymous = api.Anonymous();

        using var page = await anonymous.GetAsync("/docs/");
        var html = await page.Content.ReadAsStringAsync();
        using var script = await anonymous.GetAsync("/docs/scalar.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = Nonce().Match(csp).Groups[1].Value;
        Assert.NotEmpty(nonce);
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Contains($"nonce=\"{nonce}\"", s.Value, StringComparison.Ordinal));
        Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", csp, StringComparison.Ordinal);
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex Nonce();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();
}
