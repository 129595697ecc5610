using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Provenance.Integrity.Canonicalization;

/// <summary>Writes JSON values in their RFC 8785 canonical form.</summary>
internal static partial class CanonicalJsonWriter
{
    // Throws on lone surrogates instead of writing U+FFFD: RFC 8785 (I-JSON) has no form for them.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void Write(JsonNode? node, IBufferWriter<byte> output)
    {
        switch (node)
        {
            case null:
                output.Write("null"u8);
                break;
            case JsonObject obj:
                var members = new List<(string Name, JsonNode? Value)>(obj.Count);
                foreach (var (name, value) in obj)
                {
                    members.Add((name, value));
                }

                WriteObject(members, output, Write);
                break;
            case JsonArray array:
                WriteByte((byte)'[', output);
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        WriteByte((byte)',', output);
                    }

                    Write(array[i], output);
                }

                WriteByte((byte)']', output);
                break;
            case JsonValue value:
                WriteValue(value, output);
                break;
            default:
                throw new ArgumentException($"A JSON node of type {node.GetType().Name} has no canonical form.", nameof(node));
        }
    }

    private static void WriteValue(JsonValue value, IBufferWriter<byte> output)
    {
        if (value.TryGetValue(out JsonElement element))
        {
            Write(element, output);
            return;
        }

        // The serializer would write a lone surrogate as U+FFFD; write the string itself so it fails.
        if (value.TryGetValue(out string? text))
        {
            WriteString(text, output);
            return;
        }

        // A node can hold a .NET NaN or infinity, which has no JSON form; say so rather than let
        // the serializer fail with an unrelated message.
        if ((value.TryGetValue(out double d) && !double.IsFinite(d))
            || (value.TryGetValue(out float f) && !float.IsFinite(f))
            || (value.TryGetValue(out Half h) && !Half.IsFinite(h)))
        {
            throw new JsonCanonicalizationException("A NaN or infinite number is not a JSON number: RFC 8785 admits only finite IEEE-754 doubles.");
        }

        // Any other .NET value (string, integer, decimal, Guid, date...) is written as the serializer
        // writes it, then canonicalized from that JSON, so each kind has exactly one form.
        byte[] json;
        try
        {
            json = Encoding.UTF8.GetBytes(value.ToJsonString());
        }
        catch (ArgumentException e)
        {
            throw new JsonCanonicalizationException($"The value has no JSON form: {e.Message}", e);
        }

        using var document = JsonDocument.Parse(json);
        Write(document.RootElement, output);
    }

    private static void WriteObject<T>(List<(string Name, T Value)> members, IBufferWriter<byte> output, Action<T, IBufferWriter<byte>> writeValue)
    {
        // RFC 8785 3.2.3: members sorted by the UTF-16 code units of their names, which is what
        // ordinal comparison of .NET strings compares; never culture-aware.
        members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        WriteByte((byte)'{', output);
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                if (string.Equals(members[i - 1].Name, members[i].Name, StringComparison.Ordinal))
                {
                    throw new JsonCanonicalizationException($"The member name \"{members[i].Name}\" appears more than once in an object.");
                }

                WriteByte((byte)',', output);
            }

            WriteString(members[i].Name, output);
            WriteByte((byte)':', output);
            writeValue(members[i].Value, output);
        }

        WriteByte((byte)'}', output);
    }

    /// <summary>RFC 8785 3.2.2.2: only the two-character escapes and \u00xx for other controls; the rest as UTF-8.</summary>
    internal static void WriteString(string value, IBufferWriter<byte> output)
    {
        WriteByte((byte)'"', output);
        var runStart = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            WriteUtf8(value.AsSpan(runStart, i - runStart), output);
            WriteEscape(c, output);
            runStart = i + 1;
        }

        WriteUtf8(value.AsSpan(runStart), output);
        WriteByte((byte)'"', output);
    }

    private static void WriteEscape(char c, IBufferWriter<byte> output)
    {
        switch (c)
        {
            case '"': output.Write("\\\""u8); break;
            case '\\': output.Write("\\\\"u8); break;
            case '\b': output.Write("\\b"u8); break;
            case '\f': output.Write("\\f"u8); break;
            case '\n': output.Write("\\n"u8); break;
            case '\r': output.Write("\\r"u8); break;
            case '\t': output.Write("\\t"u8); break;
            default:
                var escape = output.GetSpan(6);
                "\\u00"u8.CopyTo(escape);
                ((int)c).TryFormat(escape[4..], out _, "x2", CultureInfo.InvariantCulture);
                output.Advance(6);
                break;
        }
    }

    private static void WriteUtf8(ReadOnlySpan<char> text, IBufferWriter<byte> output)
    {
        if (text.IsEmpty)
        {
            return;
        }

        try
        {
            var buffer = output.GetSpan(StrictUtf8.GetMaxByteCount(text.Length));
            output.Advance(StrictUtf8.GetBytes(text, buffer));
        }
        catch (EncoderFallbackException e)
        {
            throw new JsonCanonicalizationException("A string holds a lone surrogate, which is not valid Unicode.", e);
        }
    }

    private static double ParseNumber(ReadOnlySpan<byte> utf8Number)
    {
        // The reader has checked the JSON number grammar; what remains is the double's range.
        var value = double.Parse(utf8Number, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw new JsonCanonicalizationException($"The number {Encoding.UTF8.GetString(utf8Number)} is out of the range of an IEEE-754 double.");
        }

        return value;
    }


    private static void WriteByte(byte value, IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }
}
