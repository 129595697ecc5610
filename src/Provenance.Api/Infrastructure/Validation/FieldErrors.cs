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

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new ValidationFailedException(ToDictionary());
        }
    }
}
