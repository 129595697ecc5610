using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Provenance.Integrity.Canonicalization;

/// <summary>
/// The parsed-element path, which a verifier runs once per event line (#5: a million lines in a
/// few seconds). It copies the raw UTF-8 of names and strings without escapes, and of small
/// integers, which is already canonical, into a buffer it writes directly; an object is written
/// as it comes and only sorted (written again) when its names turn out not to be in order. Only
/// escaped text and other numbers are decoded and written again.
/// </summary>
internal static partial class CanonicalJsonWriter
{
    // Integers of up to 15 digits are exact doubles, which ECMAScript writes with the same digits.
    private const int MaxVerbatimIntegerDigits = 15;

    // Bytes that send a string or name off the copy-as-is path: a backslash, or anything not ASCII (to be checked as UTF-8).
    private static readonly SearchValues<byte> EscapeOrNonAscii = SearchValues.Create([(byte)'\\', .. Enumerable.Range(0x80, 0x80).Select(b => (byte)b)]);

    public static void Write(JsonElement element, IBufferWriter<byte> output)
    {
        if (output is CanonicalOutput direct)
        {
            Write(element, direct);
            return;
        }

        var buffer = CanonicalOutput.Rent();
        try
        {
            Write(element, buffer);
            output.Write(buffer.Written);
        }
        finally
        {
            CanonicalOutput.Return(buffer);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Write(JsonElement element, CanonicalOutput output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, output);
                break;
            case JsonValueKind.Array:
                output.Append((byte)'[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        output.Append((byte)',');
                    }

                    Write(item, output);
                    first = false;
                }

                output.Append((byte)']');
                break;
            case JsonValueKind.String:
                WriteString(element, output);
                break;
            case JsonValueKind.Number:
                WriteNumber(JsonMarshal.GetRawUtf8Value(element), output);
                break;
            case JsonValueKind.True:
                output.Append("true"u8);
                break;
            case JsonValueKind.False:
                output.Append("false"u8);
                break;
            case JsonValueKind.Null:
                output.Append("null"u8);
                break;
            default:
                throw new ArgumentException($"A JSON element of kind {element.ValueKind} has no canonical form.", nameof(element));
        }
    }

    /// <summary>
    /// Writes the members as they come while their names are unescaped and in strictly increasing
    /// order, which is how canonical input is; at the first that is not, drops what it wrote of the
    /// object and writes it again from its members sorted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteObject(JsonElement element, CanonicalOutput output)
    {
        var start = output.Length;
        output.Append((byte)'{');
        ReadOnlySpan<byte> previous = default;
        var first = true;
        foreach (var property in element.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(property);
            if ((!IsVerbatim(name)) || (!first && CompareNames(previous, name) >= 0))
            {
                output.Length = start;
                WriteObjectSorted(element, output);
                return;
            }

            if (!first)
            {
                output.Append((byte)',');
            }

            output.Append((byte)'"');
            output.Append(name);
            output.Append("\":"u8);
            Write(property.Value, output);
            previous = name;
            first = false;
        }

        output.Append((byte)'}');
    }

    private static void WriteObjectSorted(JsonElement element, CanonicalOutput output)
    {
        if (!TryWriteVerbatimNamesSorted(element, output))
        {
            WriteObjectSortedByStrings(element, output);
        }
    }

    /// <summary>
    /// Sorts the members by their raw UTF-8 names (<see cref="CompareNames"/> orders them as UTF-16
    /// does) and writes them, when every name is verbatim (no escape): no name becomes a string and
    /// the members sit in a pooled array (#22: sorting stored jsonb objects was a third of an
    /// export's allocations). False, having written nothing, when a name needs unescaping.
    /// </summary>
    private static bool TryWriteVerbatimNamesSorted(JsonElement element, CanonicalOutput output)
    {
        var count = element.GetPropertyCount();
        var members = ArrayPool<JsonProperty>.Shared.Rent(Math.Max(count, 1));
        try
        {
            var n = 0;
            foreach (var property in element.EnumerateObject())
            {
                if (!IsVerbatim(JsonMarshal.GetRawUtf8PropertyName(property)))
                {
                    return false;
                }

                members[n++] = property;
            }

            var sorted = members.AsSpan(0, n);
            sorted.Sort(static (a, b) => CompareNames(JsonMarshal.GetRawUtf8PropertyName(a), JsonMarshal.GetRawUtf8PropertyName(b)));
            output.Append((byte)'{');
            for (var i = 0; i < sorted.Length; i++)
            {
                var name = JsonMarshal.GetRawUtf8PropertyName(sorted[i]);
                if (i > 0)
                {
                    if (name.SequenceEqual(JsonMarshal.GetRawUtf8PropertyName(sorted[i - 1])))
                    {
                        throw new JsonCanonicalizationException($"The member name \"{sorted[i].Name}\" appears more than once in an object.");
                    }

                    output.Append((byte)',');
                }

                output.Append((byte)'"');
                output.Append(name);
                output.Append("\":"u8);
                Write(sorted[i].Value, output);
            }

            output.Append((byte)'}');
            return true;
        }
        finally
        {
            members.AsSpan(0, count).Clear();
            ArrayPool<JsonProperty>.Shared.Return(members);
        }
    }

    private static void WriteObjectSortedByStrings(JsonElement element, CanonicalOutput output)
    {
        var members = new List<(string Name, JsonElement Value)>();
        foreach (var property in element.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            if (raw.IndexOf((byte)'\\') < 0)
            {
                RequireUtf8(raw);
            }

            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException e)
            {
                throw LoneSurrogate(e);
            }

            members.Add((name, property.Value));
        }

        WriteObject(members, output, static (value, writer) => Write(value, (CanonicalOutput)writer));
    }

    /// <summary>
    /// RFC 8785 3.2.3 orders names by UTF-16 code units. UTF-8 bytes order them by code point,
    /// which agrees except between U+E000..U+FFFF (lead byte 0xEE or 0xEF) and the characters
    /// above U+FFFF (lead byte 0xF0 to 0xF4), which UTF-16 writes as surrogates (0xD800..) and so
    /// puts first. Only the first differing byte matters, and there both are lead bytes.
    /// </summary>
    internal static int CompareNames(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var common = left.CommonPrefixLength(right);
        if (common == left.Length || common == right.Length)
        {
            return left.Length - right.Length;
        }

        int a = left[common], b = right[common];
        if (a >= 0xEE && b >= 0xEE && (a >= 0xF0) != (b >= 0xF0))
        {
            return a >= 0xF0 ? -1 : 1;
        }

        return a - b;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteString(JsonElement element, CanonicalOutput output)
    {
        // The raw token holds its quotes. Without a backslash it is already canonical: JSON text
        // cannot hold a bare quote or control character inside a string.
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (IsVerbatim(raw[1..^1]))
        {
            output.Append(raw);
            return;
        }

        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw LoneSurrogate(e);
        }

        WriteString(value, output);
    }

    /// <summary>Whether raw string text is already canonical: no escape, and valid UTF-8 (the reader does not check it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsVerbatim(ReadOnlySpan<byte> raw)
    {
        var special = raw.IndexOfAny(EscapeOrNonAscii);
        if (special < 0)
        {
            return true;
        }

        if (raw[special..].Contains((byte)'\\'))
        {
            return false;
        }

        RequireUtf8(raw[special..]);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteNumber(ReadOnlySpan<byte> raw, CanonicalOutput output)
    {
        // JSON has no leading zeros, so a short integer is already written as ECMAScript writes
        // it, except -0, which is 0.
        var negative = raw[0] == (byte)'-';
        var digits = negative ? raw[1..] : raw;
        if (digits.Length <= MaxVerbatimIntegerDigits && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9') && !(negative && digits is [(byte)'0']))
        {
            output.Append(raw);
            return;
        }

        EcmaScriptNumber.Write(ParseNumber(raw), output);
    }

    private static void RequireUtf8(ReadOnlySpan<byte> text)
    {
        if (!Utf8.IsValid(text))
        {
            throw new JsonCanonicalizationException("A string is not valid UTF-8 (or encodes a surrogate), which is not valid Unicode.");
        }
    }

    private static JsonCanonicalizationException LoneSurrogate(Exception e) =>
        new("A string holds a lone surrogate or invalid UTF-8, which is not valid Unicode.", e);
}
