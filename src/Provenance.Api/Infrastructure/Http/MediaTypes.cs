using Microsoft.Net.Http.Headers;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>
/// The request media types the API accepts (#14): <c>application/json</c> for JSON bodies and
/// <c>application/x-ndjson</c> for imports, each with a <c>charset</c> of UTF-8 or none, and no other
/// parameter. Anything else is <c>415</c>: a body in another charset or a JSON variant
/// (<c>application/merge-patch+json</c>, <c>text/json</c>) would be read as something it is not.
/// </summary>
internal static class MediaTypes
{
    public const string Json = "application/json";
    public const string Ndjson = "application/x-ndjson";

    public static bool IsJson(string? contentType) => Is(contentType, Json);

    public static bool IsNdjson(string? contentType) => Is(contentType, Ndjson);

    private static bool Is(string? contentType, string expected)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) ||
            !parsed.MediaType.Equals(expected, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var parameter in parsed.Parameters)
        {
            var isUtf8Charset = parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase) &&
                                (parameter.Value.Equals("utf-8", StringComparison.OrdinalIgnoreCase) ||
                                 parameter.Value.Equals("\"utf-8\"", StringComparison.OrdinalIgnoreCase));
            if (!isUtf8Charset)
            {
                return false;
            }
        }

        return true;
    }
}
