using System.Text.Json;

namespace Provenance.Ledger.Infrastructure.Validation;

/// <summary>Enum values as the API spells them (kebab-case), for validation messages and parsing.</summary>
internal static class EnumNames
{
    public static string Name<T>(T value)
        where T : struct, System.Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static IReadOnlyList<string> All<T>()
        where T : struct, System.Enum => System.Enum.GetValues<T>().Select(Name).ToList();

    public static bool TryParse<T>(string? text, out T value)
        where T : struct, System.Enum
    {
        foreach (var candidate in System.Enum.GetValues<T>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static T Parse<T>(string text)
        where T : struct, System.Enum =>
        TryParse<T>(text, out var value) ? value : throw new ArgumentException($"'{text}' is not a {typeof(T).Name}.", nameof(text));

    /// <summary>A kebab-case name of <typeparamref name="T"/>. Returns the value (the default when missing or unknown).</summary>
    public static T OneOf<T>(this FieldErrors errors, string field, string? text)
        where T : struct, System.Enum
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(text))
        {
            // #14: a missing value says what it may be, as a wrong one does.
            errors.Add(field, "is required: one of " + string.Join(", ", All<T>()));
        }
        else if (!TryParse<T>(text, out var value))
        {
            errors.Add(field, "must be one of: " + string.Join(", ", All<T>()));
        }
        else
        {
            return value;
        }

        return default;
    }
}
