namespace Provenance.Ledger.Infrastructure.Validation;

/// <summary>
/// A request member that may be left out: not listed as <c>required</c> in the OpenAPI document
/// (request records are positional, so every member is a constructor parameter, which the document
/// would otherwise list as required).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class OptionalMemberAttribute : Attribute;

/// <summary>
/// A string member (or the items of a list of strings) that takes the kebab-case names of
/// <see cref="EnumType"/>: the OpenAPI document lists them as its <c>enum</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class EnumValuesAttribute(Type enumType) : Attribute
{
    public Type EnumType { get; } = enumType;

    public IReadOnlyList<string> Names => Enum.GetNames(EnumType).Select(System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName).ToList();
}
