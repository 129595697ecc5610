using System.Buffers;
using System.Globalization;

namespace Provenance.Integrity.Canonicalization;

/// <summary>
/// Writes a double as ECMAScript's Number.prototype.toString does (ECMA-262 Number::toString), which
/// RFC 8785 section 3.2.2.3 requires: the shortest digits that round-trip, then the ES choice
/// between plain and exponent notation.
/// </summary>
internal static class EcmaScriptNumber
{
    // The longest output: "-" + 17 digits + "." or "e-324"-style exponent, or 21 digits before the point.
    internal const int MaxLength = 32;

    public static void Write(double value, IBufferWriter<byte> output)
    {
        if (!double.IsFinite(value))
        {
            throw new JsonCanonicalizationException($"{value.ToString(CultureInfo.InvariantCulture)} is not a JSON number: RFC 8785 admits only finite IEEE-754 doubles.");
        }

        var buffer = output.GetSpan(MaxLength);
        var length = Format(value, buffer);
        output.Advance(length);
    }

    /// <summary>Writes a finite double's ECMAScript form into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes); returns its length.</summary>
    internal static int Format(double value, Span<byte> destination)
    {
        if (value == 0)
        {
            // Both +0 and -0 are "0".
            destination[0] = (byte)'0';
            return 1;
        }

        // .NET's round-trip format yields the shortest digits that parse back to the same double,
        // the same digits ECMAScript picks (ECMA-262 6.1.6.1.20, step 5).
        Span<char> roundTrip = stackalloc char[MaxLength];
        if (!value.TryFormat(roundTrip, out var written, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A double did not fit the round-trip buffer.");
        }

        var (negative, significand, k, n) = Decompose(roundTrip[..written]);
        ReadOnlySpan<char> digits = significand.AsSpan(0, k);
        var at = 0;
        if (negative)
        {
            destination[at++] = (byte)'-';
        }

        if (k <= n && n <= 21)
        {
            // An integer: the digits, then n - k zeros.
            at += Copy(digits, destination[at..]);
            destination.Slice(at, n - k).Fill((byte)'0');
            at += n - k;
        }
        else if (0 < n && n <= 21)
        {
            at += Copy(digits[..n], destination[at..]);
            destination[at++] = (byte)'.';
            at += Copy(digits[n..], destination[at..]);
        }
        else if (-6 < n && n <= 0)
        {
            destination[at++] = (byte)'0';
            destination[at++] = (byte)'.';
            destination.Slice(at, -n).Fill((byte)'0');
            at += -n;
            at += Copy(digits, destination[at..]);
        }
        else
        {
            destination[at++] = (byte)digits[0];
            if (k > 1)
            {
                destination[at++] = (byte)'.';
                at += Copy(digits[1..], destination[at..]);
            }

            destination[at++] = (byte)'e';
            var exponent = n - 1;
            destination[at++] = exponent < 0 ? (byte)'-' : (byte)'+';
            Math.Abs(exponent).TryFormat(destination[at..], out var exponentLength, default, CultureInfo.InvariantCulture);
            at += exponentLength;
        }

        return at;
    }

    /// <summary>
    /// Reads .NET's round-trip text ("-1.2345E-07", "123.45", "1E+21") as ES does: the significant
    /// digits d1..dk (no leading or trailing zeros) and n such that the value is 0.d1..dk × 10^n.
    /// </summary>
    private static (bool Negative, char[] Digits, int Count, int N) Decompose(ReadOnlySpan<char> text)
    {
        var negative = text[0] == '-';
        if (negative)
        {
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny('E', 'e');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var point = text.IndexOf('.');
        var integerDigits = point >= 0 ? point : text.Length;
        var digits = new char[text.Length];
        var count = 0;
        var n = integerDigits + exponent;
        foreach (var c in text)
        {
            if (c == '.')
            {
                continue;
            }

            if (count == 0 && c == '0')
            {
                // A leading zero moves the point one place left relative to the first significant digit.
                n--;
                continue;
            }

            digits[count++] = c;
        }

        while (count > 1 && digits[count - 1] == '0')
        {
            count--;
        }

        return (negative, digits, count, n);
    }

    private static int Copy(ReadOnlySpan<char> digits, Span<byte> destination)
    {
        for (var i = 0; i < digits.Length; i++)
        {
            destination[i] = (byte)digits[i];
        }

        return digits.Length;
    }
}
