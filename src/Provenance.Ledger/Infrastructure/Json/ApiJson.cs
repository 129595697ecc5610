using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Provenance.Ledger.Infrastructure.Json;

/// <summary>
/// The JSON conventions of the API's bodies and answers (HTTP requests and responses, import lines,
/// lineage answers). Stored events have their own, in <c>Provenance.Domain.Common.EventJson</c>
/// (#15): a change here must not change a byte the Merkle tree commits to.
/// </summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the conventions to an options instance (the framework owns the HTTP one).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // A misspelled field must not be silently dropped from a ledger record.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.MaxDepth = 32;
        // #6: {"name": "a", "name": "b"} is refused, not resolved: parsers disagree on which wins.
        options.AllowDuplicateProperties = false;
        // Readable text for people and regulators: no \u escapes for non-ASCII letters or + and '.
        // (JSON bodies are never embedded in HTML, which is what the stricter default guards against.)
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        return options;
    }
}
