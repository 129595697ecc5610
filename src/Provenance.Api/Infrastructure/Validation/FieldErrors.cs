namespace Provenance.Api.Infrastructure.Validation;

/// <summary>Collects what is wrong with a request body, field by field, in JSON field names.</summary>
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

    /// <summary>A text field: present when required, within length, and free of control characters.</summary>
    public void Text(string field, string? value, int maxLength, bool required = true, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "is required");
            }

            return;
        }

        if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters (it has {value.Length})");
        }

        if (value.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            Add(field, "must not contain control characters");
        }

        // #6: text that displays as something else ("Trojan Source"), or that is not text at all.
        if (value.Any(c => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')))
        {
            Add(field, "must not contain bidirectional embedding, override or isolate characters (U+202A to U+202E, U+2066 to U+2069)");
        }

        if (HasUnpairedSurrogateOrNoncharacter(value))
        {
            Add(field, "must be valid Unicode text: no unpaired surrogate and no noncharacter (U+FFFE, U+FFFF)");
        }
    }

    private static bool HasUnpairedSurrogateOrNoncharacter(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '\uFFFE' or '\uFFFF' || char.IsLowSurrogate(c))
            {
                return true;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return true;
                }

                i++;
            }
        }

        return false;
    }

    public void Required<T>(string field, T? value)
        where T : struct
    {
        if (value is null)
        {
            Add(field, "is required");
        }
    }

    public void Count(string field, long? value, long max = 10_000_000_000)
    {
        if (value is null)
        {
            Add(field, "is required");
        }
        else if (value < 0 || value > max)
        {
            Add(field, $"must be between 0 and {max}");
        }
    }

    /// <summary>A lowercase or uppercase hex SHA-256 digest (64 characters).</summary>
    public void Sha256(string field, string? value, bool required = true)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                Add(field, "is required");
            }

            return;
        }

        if (value.Length != 64 || !value.All(char.IsAsciiHexDigit))
        {
            Add(field, "must be a SHA-256 digest: 64 hexadecimal characters");
        }
    }

    /// <summary>A list that must be present and hold between <paramref name="min"/> and <paramref name="max"/> items.</summary>
    public bool List<T>(string field, IReadOnlyList<T>? items, int min = 1, int max = 10_000)
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

    /// <summary>Every item of a list of enum names is a known value.</summary>
    public void OneOfEach<T>(string field, IReadOnlyList<string?>? items, bool required = true)
        where T : struct, Enum
    {
        if (items is null)
        {
            if (required)
            {
                Add(field, "is required");
            }

            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            this.OneOf<T>($"{field}[{i}]", items[i]);
        }
    }

    /// <summary>An absolute URI.</summary>
    public void AbsoluteUri(string field, string? value, int maxLength = 2000)
    {
        Text(field, value, maxLength);
        if (!string.IsNullOrWhiteSpace(value) && !Uri.TryCreate(value, UriKind.Absolute, out _))
        {
            Add(field, "must be an absolute URI (e.g. s3://bucket/prefix/ or https://…)");
        }
    }

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new ValidationFailedException(ToDictionary());
        }
    }
}
