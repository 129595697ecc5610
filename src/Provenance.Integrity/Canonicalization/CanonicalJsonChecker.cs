using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace Provenance.Integrity.Canonicalization;

/// <summary>A member of the top-level object, as offsets into the text: its raw name (between its quotes) and its value.</summary>
internal readonly record struct JsonMemberSpan(int NameStart, int NameLength, int ValueStart, int ValueLength);

/// <summary>
/// Says, in one pass over the bytes and without writing anything, whether a UTF-8 JSON text is
/// already in its RFC 8785 canonical form, and where the members of its top-level object are.
/// A verifier and an exporter check every event line this way (#22: parsing each line twice and
/// writing it again was about 2.9 µs of a verifier's 12 per event).
/// </summary>
/// <remarks>
/// It is conservative. <see langword="true"/> is sound: <see cref="JsonCanonicalizer.WriteCanonical(ReadOnlySpan{byte}, IBufferWriter{byte})"/>
/// would write exactly these bytes. <see langword="false"/> only means "not shown canonical here":
/// besides text that is not canonical (or not JSON), it is the answer for the few canonical forms
/// it leaves to the canonicalizer (an escaped member name, nesting deeper than 32), so the caller canonicalizes the text as before, which also says what
/// is wrong with it.
/// </remarks>
internal static class CanonicalJsonChecker
{
    private const int MaxDepth = 32;

    // Integers of up to 15 digits are exact doubles, which ECMAScript writes with the same digits.
    private const int MaxVerbatimIntegerDigits = 15;

    // What ends a run of string content that is canonical as it stands: the closing quote, an
    // escape, a control character (not JSON unescaped), and any byte that is not ASCII (checked as UTF-8).
    private static readonly SearchValues<byte> StringStops =
        SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b), .. Enumerable.Range(0x80, 0x80).Select(b => (byte)b)]);

    /// <summary>Whether <paramref name="json"/> is certainly canonical; if so, and it is an object, its members (up to the span's length).</summary>
    /// <param name="json">One JSON text, nothing before or after it.</param>
    /// <param name="topLevel">Receives the top-level object's members; an object with more members than this holds is not checked here (false).</param>
    /// <param name="topLevelCount">How many members <paramref name="topLevel"/> received.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsCanonical(ReadOnlySpan<byte> json, Span<JsonMemberSpan> topLevel, out int topLevelCount)
    {
        topLevelCount = 0;
        var at = 0;
        var ok = json is [(byte)'{', ..]
            ? Object(json, ref at, 1, topLevel, ref topLevelCount)
            : Value(json, ref at, 0);
        return ok && at == json.Length;
    }

    /// <summary>Whether <paramref name="json"/> is certainly canonical.</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> json)
    {
        var at = 0;
        return Value(json, ref at, 0) && at == json.Length;
    }

    private static bool Value(ReadOnlySpan<byte> json, ref int at, int depth)
    {
        if (at >= json.Length)
        {
            return false;
        }

        var none = 0;
        switch (json[at])
        {
            case (byte)'{':
                return depth < MaxDepth && Object(json, ref at, depth + 1, [], ref none);
            case (byte)'[':
                return depth < MaxDepth && Array(json, ref at, depth + 1);
            case (byte)'"':
                return String(json, ref at, out _);
            case (byte)'t':
                return Literal(json, ref at, "true"u8);
            case (byte)'f':
                return Literal(json, ref at, "false"u8);
            case (byte)'n':
                return Literal(json, ref at, "null"u8);
            default:
                return Number(json, ref at);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Object(ReadOnlySpan<byte> json, ref int at, int depth, Span<JsonMemberSpan> members, ref int count)
    {
        at++;
        if (at < json.Length && json[at] == '}')
        {
            at++;
            return true;
        }

        ReadOnlySpan<byte> previous = default;
        var first = true;
        while (true)
        {
            var nameStart = at + 1;
            if (at >= json.Length || json[at] != '"' || !String(json, ref at, out var escaped) || escaped)
            {
                // An escaped name may be canonical, but sorting it needs its decoded text: left to the canonicalizer.
                return false;
            }

            var name = json[nameStart..(at - 1)];
            if (!first && CanonicalJsonWriter.CompareNames(previous, name) >= 0)
            {
                // Out of order, or a name given twice.
                return false;
            }

            if (at >= json.Length || json[at] != ':')
            {
                return false;
            }

            at++;
            var valueStart = at;
            if (!Value(json, ref at, depth))
            {
                return false;
            }

            if (depth == 1 && members.Length > 0)
            {
                if (count == members.Length)
                {
                    return false;
                }

                members[count++] = new JsonMemberSpan(nameStart, name.Length, valueStart, at - valueStart);
            }

            previous = name;
            first = false;
            if (at >= json.Length)
            {
                return false;
            }

            if (json[at] == '}')
            {
                at++;
                return true;
            }

            if (json[at] != ',')
            {
                return false;
            }

            at++;
        }
    }

    private static bool Array(ReadOnlySpan<byte> json, ref int at, int depth)
    {
        at++;
        if (at < json.Length && json[at] == ']')
        {
            at++;
            return true;
        }

        while (true)
        {
            if (!Value(json, ref at, depth) || at >= json.Length)
            {
                return false;
            }

            if (json[at] == ']')
            {
                at++;
                return true;
            }

            if (json[at] != ',')
            {
                return false;
            }

            at++;
        }
    }

    /// <summary>A string at <paramref name="at"/> (its opening quote) whose every escape is the one RFC 8785 writes; <paramref name="at"/> ends past its closing quote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool String(ReadOnlySpan<byte> json, ref int at, out bool escaped)
    {
        escaped = false;
        var start = at + 1;
        var i = start;
        var ascii = true;
        while (true)
        {
            var stop = json[i..].IndexOfAny(StringStops);
            if (stop < 0)
            {
                return false;
            }

            i += stop;
            var b = json[i];
            if (b == '"')
            {
                break;
            }

            if (b >= 0x80)
            {
                ascii = false;
                i++;
                continue;
            }

            if (b != '\\' || !CanonicalEscape(json, ref i))
            {
                // A bare control character is not JSON; any other escape is not the canonical one.
                return false;
            }

            escaped = true;
        }

        // RFC 8785 has no form for invalid UTF-8 or an encoded surrogate.
        if (!ascii && !Utf8.IsValid(json[start..i]))
        {
            return false;
        }

        at = i + 1;
        return true;
    }

    /// <summary>
    /// The escape at <paramref name="i"/> is the one RFC 8785 section 3.2.2.2 writes: the two-character
    /// forms for quote, backslash, \b, \f, \n, \r, \t, and \u00 with two lowercase hex digits for the
    /// other control characters; any other character is written as itself, never escaped.
    /// </summary>
    private static bool CanonicalEscape(ReadOnlySpan<byte> json, ref int i)
    {
        if (i + 1 >= json.Length)
        {
            return false;
        }

        switch (json[i + 1])
        {
            case (byte)'"' or (byte)'\\' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                i += 2;
                return true;
            case (byte)'u':
                if (i + 6 > json.Length || json[i + 2] != '0' || json[i + 3] != '0' || !LowerHex(json[i + 4], out var high) || !LowerHex(json[i + 5], out var low))
                {
                    return false;
                }

                var c = (high << 4) | low;
                if (c >= 0x20 || c is 0x08 or 0x09 or 0x0A or 0x0C or 0x0D)
                {
                    return false;
                }

                i += 6;
                return true;
            default:
                return false;
        }
    }

    private static bool LowerHex(byte b, out int value)
    {
        value = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }

    /// <summary>
    /// A JSON number written as ECMAScript writes its double. An integer of up to 15 digits (no
    /// leading zero, not -0) is, as it stands; any other is parsed and written again to compare.
    /// </summary>
    private static bool Number(ReadOnlySpan<byte> json, ref int at)
    {
        var i = at;
        if (json[i] == '-')
        {
            i++;
        }

        var integerStart = i;
        i = Digits(json, i);
        var integerDigits = i - integerStart;
        if (integerDigits == 0 || (integerDigits > 1 && json[integerStart] == '0'))
        {
            return false;
        }

        var plainInteger = true;
        if (i < json.Length && json[i] == '.')
        {
            var fractionStart = i + 1;
            i = Digits(json, fractionStart);
            if (i == fractionStart)
            {
                return false;
            }

            plainInteger = false;
        }

        if (i < json.Length && json[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var exponentStart = i;
            i = Digits(json, exponentStart);
            if (i == exponentStart)
            {
                return false;
            }

            plainInteger = false;
        }

        var text = json[at..i];
        if (plainInteger && integerDigits <= MaxVerbatimIntegerDigits)
        {
            // -0 is written 0.
            if (integerDigits == 1 && json[integerStart] == '0' && integerStart > at)
            {
                return false;
            }
        }
        else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value)
                 || !WrittenAs(value, text))
        {
            return false;
        }

        at = i;
        return true;
    }

    private static bool WrittenAs(double value, ReadOnlySpan<byte> text)
    {
        Span<byte> written = stackalloc byte[EcmaScriptNumber.MaxLength];
        var length = EcmaScriptNumber.Format(value, written);
        return written[..length].SequenceEqual(text);
    }

    private static int Digits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] - (uint)'0' <= 9)
        {
            i++;
        }

        return i;
    }

    private static bool Literal(ReadOnlySpan<byte> json, ref int at, ReadOnlySpan<byte> literal)
    {
        if (!json[at..].StartsWith(literal))
        {
            return false;
        }

        at += literal.Length;
        return true;
    }
}
