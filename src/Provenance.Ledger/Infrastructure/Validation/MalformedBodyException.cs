using System.Text.Json;

namespace Provenance.Ledger.Infrastructure.Validation;

/// <summary>A body that is not the JSON its command takes (an import line's <c>body</c>); the inner exception says where.</summary>
internal sealed class MalformedBodyException(string message, JsonException inner) : Exception(message, inner)
{
    public JsonException Json { get; } = inner;
}
