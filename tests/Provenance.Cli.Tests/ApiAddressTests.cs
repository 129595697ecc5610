namespace Provenance.Cli.Tests;

public sealed class ApiAddressTests
{
    [Fact]
    public void The_default_is_the_environment_variable_else_the_local_development_address()
    {
        Assert.Equal("https://ledger.example.org", ApiAddress.Default(name => name == "PROVENANCE_API_URL" ? "https://ledger.example.org" : null));
        Assert.Equal("http://127.0.0.1:5080", ApiAddress.Default(_ => null));
        Assert.Equal("http://127.0.0.1:5080", ApiAddress.Default(_ => " "));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/")]
    [InlineData("https://ledger.example.org/provenance", "https://ledger.example.org/provenance/")]
    [InlineData("https://ledger.example.org/provenance/", "https://ledger.example.org/provenance/")]
    public void An_address_keeps_its_path_and_ends_in_a_slash(string text, string expected)
    {
        Assert.True(ApiAddress.TryParse(text, out var address));
        Assert.Equal(expected, address.AbsoluteUri);
        Assert.Equal(expected + "imports", new Uri(address, "imports").AbsoluteUri);
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("ftp://ledger.example.org")]
    [InlineData("/datasets")]
    [InlineData("http://ledger.example.org/?tenant=1")]
    public void Anything_but_an_absolute_http_or_https_URL_is_refused(string text) =>
        Assert.False(ApiAddress.TryParse(text, out _));
}
