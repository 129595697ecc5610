using System.CommandLine;
using System.Net.Http.Headers;

namespace Provenance.Cli;

/// <summary>
/// The API key the client sends: <c>--api-key</c>, else <c>PROVENANCE_API_KEY</c>. It is added to
/// every HTTP client the host creates (<see cref="Authenticating"/>), so every command that calls
/// the API, present or future, authenticates the same way without doing anything itself; offline
/// commands (<c>verify</c>) create no client and need no key.
/// </summary>
internal sealed class ApiCredentials
{
    public const string EnvironmentVariable = "PROVENANCE_API_KEY";
    private ParseResult? _parsed;

    public ApiCredentials(Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        Option = new Option<string?>("--api-key")
        {
            Description = $"API key for the Provenance API (Authorization: ApiKey); when omitted, ${EnvironmentVariable}. Prefer the variable: a command line is visible to other users",
            HelpName = "key",
            Recursive = true,
            DefaultValueFactory = _ => getEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } key ? key.Trim() : null,
        };
    }

    public Option<string?> Option { get; }

    /// <summary>The key of the parsed command line (null before parsing, or when none is given).</summary>
    public string? Key => _parsed?.GetValue(Option);

    public void Bind(ParseResult parsed) => _parsed = parsed;

    /// <summary>Why the key can't be sent as a header value, or null when it can.</summary>
    public string? Problem() =>
        Key is { } key && (key.Length == 0 || !key.All(c => c is > ' ' and <= '~'))
            ? $"--api-key (or ${EnvironmentVariable}) must be one word of visible ASCII characters, such as pvk_…; it has spaces or other characters."
            : null;

    /// <summary>The host, with every client it creates carrying the key (when one is given).</summary>
    public CliHost Authenticating(CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host with { CreateHttpClient = uri => Apply(host.CreateHttpClient(uri)) };
    }

    /// <summary>What to add to a refusal: for a 401, where the client takes its key from.</summary>
    public static string HintFor(System.Net.HttpStatusCode status) =>
        status == System.Net.HttpStatusCode.Unauthorized ? $" Give an API key with --api-key or ${EnvironmentVariable}." : "";

    public HttpClient Apply(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (Key is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        }

        return http;
    }
}
