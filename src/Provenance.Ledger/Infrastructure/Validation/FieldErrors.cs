using System.Diagnostics.CodeAnalysis;

namespace Provenance.Ledger.Infrastructure.Validation;

/// <summary>
/// Collects what is wrong with a request body, field by field, in JSON field names. Each check
/// returns the value it vouches for (trimmed text, a parsed enum, the number), so a parser builds
/// its validated command from the returns: a value that failed its check is a placeholder that
/// <see cref="ThrowIfAny"/> never lets through (#15: no null-forgiving chains after validation).
/// </summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void Add(string field, string reason)
    {
        if (!_errors.TryGetValue(field, out var reasons))
        {
            _errors[field] = reasons = [];
        }

        reasons.Add(reason);
    }

    /// <summary>
    /// A text field: present when required, within length, and free of control characters. Returns it
    /// trimmed ("" when absent), or exactly as sent with <paramref name="trim"/> false (a file path).
    /// </summary>
    public string Text(string field, string? value, int maxLength, bool required = true, bool multiline = false, bool trim = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "is required");
            }

            return "";
        }

        if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters (it has {value.Length})");
        }

        foreach (var reason in TextProblems(value, multiline))
        {
            Add(field, reason);
        }

        return trim ? value.Trim() : value;
    }

    /// <summary>An optional text field: checked as <see cref="Text"/> when present; null when absent.</summary>
    public string? OptionalText(string field, string? value, int maxLength, bool multiline = false)
    {
        var text = Text(field, value, maxLength, required: false, multiline);
        return text.Length == 0 ? null : text;
    }

    /// <summary>
    /// What makes a text unfit for the ledger (#6, #14): text that is not text (unpaired surrogates,
    /// noncharacters, control characters), text that displays as something else (bidirectional
    /// embeddings, overrides and isolates: "Trojan Source"), and text that hides something (tag
    /// characters, a byte order mark). A one-line field also refuses the invisible format characters
    /// and line or paragraph separators that multi-line prose may need (zero-width joiners and
    /// directional marks are part of some scripts).
    /// </summary>
    private static IEnumerable<string> TextProblems(string value, bool multiline)
    {
        bool control = false, notText = false, bidi = false, hidden = false, invisible = false, separator = false;
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                notText = true; // An unpaired surrogate.
                rest = rest[Math.Max(consumed, 1)..];
                continue;
            }

            rest = rest[consumed..];
            var c = rune.Value;
            if (c < 0x20 || c is >= 0x7F and <= 0x9F)
            {
                control |= !(multiline && c is '\n' or '\r' or '\t');
            }
            else if ((c & 0xFFFE) == 0xFFFE || c is >= 0xFDD0 and <= 0xFDEF)
            {
                notText = true;
            }
            else if (c is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069)
            {
                bidi = true;
            }
            else if (c is 0xFEFF or >= 0xE0000 and <= 0xE007F)
            {
                hidden = true;
            }
            else if (c is 0x061C or >= 0x200B and <= 0x200F or >= 0x2060 and <= 0x2064)
            {
                invisible |= !multiline;
            }
            else if (c is 0x2028 or 0x2029)
            {
                separator |= !multiline;
            }
        }

        if (control)
        {
            yield return multiline ? "must not contain control characters other than line breaks and tabs" : "must not contain control characters";
        }

        if (notText)
        {
            yield return "must be valid Unicode text: no unpaired surrogate and no noncharacter (U+FDD0 to U+FDEF, or U+FFFE and U+FFFF in any plane)";
        }

        if (bidi)
        {
            yield return "must not contain bidirectional embedding, override or isolate characters (U+202A to U+202E, U+2066 to U+2069)";
        }

        if (hidden)
        {
            yield return "must not contain hidden characters (U+FEFF, or tag characters U+E0000 to U+E007F)";
        }

        if (invisible)
        {
            yield return "must not contain invisible format characters in a one-line field (U+061C, U+200B to U+200F, U+2060 to U+2064)";
        }

        if (separator)
        {
            yield return "must be one line: no line or paragraph separator (U+2028, U+2029)";
        }
    }

    /// <summary>A value that must be present. Returns it (the default when absent).</summary>
    public T Required<T>(string field, T? value)
        where T : struct
    {
        if (value is null)
        {
            Add(field, "is required");
        }

        return value.GetValueOrDefault();
    }

    /// <summary>An object that must be present (its members are checked by the caller). Returns it, or null when absent.</summary>
    public T? Present<T>(string field, T? value)
        where T : class
    {
        if (value is null)
        {
            Add(field, "is required");
        }

        return value;
    }

    /// <summary>A count between 0 and <paramref name="max"/>. Returns it (0 when absent).</summary>
    public long Count(string field, long? value, long max = 10_000_000_000)
    {
        if (value is null)
        {
            Add(field, "is required");
        }
        else if (value < 0 || value > max)
        {
            Add(field, $"must be between 0 and {max}");
        }

        return value.GetValueOrDefault();
    }

    /// <summary>A lowercase or uppercase hex SHA-256 digest (64 characters). Returns it ("" when absent).</summary>
    public string Sha256(string field, string? value, bool required = true)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                Add(field, "is required");
            }

            return "";
        }

        if (value.Length != 64 || !value.All(char.IsAsciiHexDigit))
        {
            Add(field, "must be a SHA-256 digest: 64 hexadecimal characters");
        }

        return value;
    }

    /// <summary>A list that must be present and hold between <paramref name="min"/> and <paramref name="max"/> items.</summary>
    public bool List<T>(string field, [NotNullWhen(true)] IReadOnlyList<T>? items, int min = 1, int max = 10_000)
    {
        if (items is null)
        {
            Add(field, "is required");
            return false;
        }

        if (items.Count < min || items.Count > max)
        {
            Add(field, min == 1 && items.Count == 0 ? "must not be empty" : $"must hold between {min} and {max} items");
            return false;
        }

        return true;
    }

    /// <summary>Every item of a list of enum names is a known value. Returns the values (empty when absent).</summary>
    public IReadOnlyList<T> OneOfEach<T>(string field, IReadOnlyList<string?>? items, bool required = true)
        where T : struct, Enum
    {
        if (items is null)
        {
            if (required)
            {
                Add(field, "is required");
            }

            return [];
        }

        var values = new List<T>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            values.Add(this.OneOf<T>($"{field}[{i}]", items[i]));
        }

        return values;
    }

    /// <summary>
    /// #6: a member sent where it does not apply (a withdrawal's release notes, a device block on a
    /// non-device status) is refused, as an unknown one is, rather than silently dropped.
    /// </summary>
    public void NotHere(string field, object? value, string belongsTo)
    {
        if (value is not null)
        {
            Add(field, $"belongs to {belongsTo}, not here");
        }
    }

    /// <summary>An absolute URI. Returns it trimmed.</summary>
    public string AbsoluteUri(string field, string? value, int maxLength = 2000)
    {
        var text = Text(field, value, maxLength);
        if (text.Length > 0 && !Uri.TryCreate(text, UriKind.Absolute, out _))
        {
            Add(field, "must be an absolute URI (e.g. s3://bucket/prefix/ or https://…)");
        }

        return text;
    }

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new ValidationFailedException(ToDictionary());
        }
    }
}
