using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Provenance.Integrity.Canonicalization;

/// <summary>
/// The UTF-8 text path (#5: a verifier canonicalizes every event line again). Text that is
/// canonical, or nearly (whitespace, escapes, number spellings), is canonicalized in one pass of
/// the reader, without building a document. An object whose names are escaped or not in order
/// cannot be written as it is read: then the pass gives up and the caller parses a document.
/// </summary>
internal static partial class CanonicalJsonWriter
{
    private const int MaxDepth = 64;

    /// <summary>
    /// Writes the canonical form of one JSON text in one pass, or returns <see langword="false"/>
    /// (having written part of it: the caller cuts <paramref name="output"/> back) when an object
    /// needs sorting, which only a parsed document can do.
    /// </summary>
    /// <exception cref="JsonException">The text is not one JSON value (as the document parser would say).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryWriteInOnePass(ReadOnlySpan<byte> utf8Json, CanonicalOutput output)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = MaxDepth });

        // Per open container: how many items it has so far, and (objects) where the last name is in the input.
        Span<int> items = stackalloc int[MaxDepth + 1];
        Span<int> lastName = stackalloc int[MaxDepth + 1];
        Span<int> lastNameLength = stackalloc int[MaxDepth + 1];
        var depth = 0;
        var afterName = false;
        var any = false;
        while (reader.Read())
        {
            any = true;
            var token = reader.TokenType;
            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                output.Append(token == JsonTokenType.EndObject ? (byte)'}' : (byte)']');
                depth--;
                continue;
            }

            if (token == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped)
                {
                    return false;
                }

                var name = reader.ValueSpan;
                if (items[depth] > 0)
                {
                    if (CompareNames(utf8Json.Slice(lastName[depth], lastNameLength[depth]), name) >= 0)
                    {
                        return false;
                    }

                    output.Append((byte)',');
                }

                RequireUtf8IfNotAscii(name);
                lastName[depth] = (int)reader.TokenStartIndex + 1;
                lastNameLength[depth] = name.Length;
                items[depth]++;
                output.Append((byte)'"');
                output.Append(name);
                output.Append("\":"u8);
                afterName = true;
                continue;
            }

            // A value: in an array, after a comma when it is not the first.
            if (!afterName && depth > 0)
            {
                if (items[depth]++ > 0)
                {
                    output.Append((byte)',');
                }
            }

            afterName = false;
            switch (token)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    output.Append(token == JsonTokenType.StartObject ? (byte)'{' : (byte)'[');
                    depth++;
                    items[depth] = 0;
                    break;
                case JsonTokenType.String:
                    WriteStringToken(ref reader, output);
                    break;
                case JsonTokenType.Number:
                    WriteNumber(reader.ValueSpan, output);
                    break;
                case JsonTokenType.True:
                    output.Append("true"u8);
                    break;
                case JsonTokenType.False:
                    output.Append("false"u8);
                    break;
                default:
                    output.Append("null"u8);
                    break;
            }
        }

        // Empty input: let the document parser say what is wrong with it.
        return any;
    }

    private static void WriteStringToken(ref Utf8JsonReader reader, CanonicalOutput output)
    {
        if (!reader.ValueIsEscaped)
        {
            var raw = reader.ValueSpan;
            RequireUtf8IfNotAscii(raw);
            output.Append((byte)'"');
            output.Append(raw);
            output.Append((byte)'"');
            return;
        }

        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw LoneSurrogate(e);
        }

        WriteString(value, output);
    }

    private static void RequireUtf8IfNotAscii(ReadOnlySpan<byte> text)
    {
        if (text.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0)
        {
            RequireUtf8(text);
        }
    }
}
