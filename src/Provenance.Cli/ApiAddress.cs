using System.Diagnostics.CodeAnalysis;

namespace Provenance.Cli;

/// <summary>Where the API is: <c>--api</c>, else <c>PROVENANCE_API_URL</c>, else the address deploy/run.sh uses.</summary>
internal static class ApiAddress
{
    public const string EnvironmentVariable = "PROVENANCE_API_URL";
    public const string Fallback = "http://127.0.0.1:5080";

    public static string Default(Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var fromEnvironment = getEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? Fallback : fromEnvironment.Trim();
    }

    /// <summary>
    /// Accepts an absolute http or https URL and returns it ending in a slash, so that relative
    /// request paths keep a path prefix (<c>https://host/provenance</c> + <c>imports</c> is
    /// <c>https://host/provenance/imports</c>).
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Uri? address)
    {
        address = null;
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            return false;
        }

        address = uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        return true;
    }

    /// <summary>The address of <c>--api</c>, or false after telling the user what a valid one looks like.</summary>
    public static bool TryResolve(string? text, CliHost host, [NotNullWhen(true)] out Uri? address)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (TryParse(text, out address))
        {
            return true;
        }

        host.Error.WriteError($"--api must be an absolute http:// or https:// URL such as {Fallback}; it is '{text}'.");
        return false;
    }
}
