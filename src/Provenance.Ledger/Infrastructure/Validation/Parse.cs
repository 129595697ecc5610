namespace Provenance.Ledger.Infrastructure.Validation;

/// <summary>Turns validated request values into domain values (validation has already vouched for them).</summary>
internal static class Parse
{
    public static IReadOnlyList<T> Enums<T>(IReadOnlyList<string?>? names)
        where T : struct, Enum => (names ?? []).Select(n => EnumNames.Parse<T>(n!)).ToList();

    public static string Trimmed(string? text) => text?.Trim() ?? "";
}
