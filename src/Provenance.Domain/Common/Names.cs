using System.Text.Json;

namespace Provenance.Domain.Common;

/// <summary>Enum values as the ledger spells them everywhere (kebab-case): in JSON, messages and findings.</summary>
public static class Names
{
    public static string Of<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
