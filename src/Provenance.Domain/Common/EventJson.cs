using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Provenance.Domain.Common;

/// <summary>
/// How events are written into the log: the bytes every leaf of the Merkle tree commits to, so they
/// live beside the event catalog and nowhere else (#15). The API's HTTP conventions are separate and
/// may change without changing a stored byte (a test checks it). Never change these settings for an
/// existing event type: a new schema version with an upcaster is the way.
/// </summary>
public static class EventJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            // A stored member that no longer maps is an error, never silently dropped.
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
            MaxDepth = 32,
            AllowDuplicateProperties = false,
            // Readable text for people and regulators: no \u escapes for non-ASCII letters or + and '.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
