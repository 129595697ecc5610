namespace Provenance.Ledger.Infrastructure.Validation;

/// <summary>A request body is incomplete or malformed, field by field.</summary>
internal sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The request is not valid.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
