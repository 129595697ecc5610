namespace Provenance.Ledger.Infrastructure.Validation;

/// <summary>Checks a request's fields before its handler runs (see ValidationBehavior).</summary>
internal interface IValidator<in TRequest>
{
    void Validate(TRequest request, FieldErrors errors);
}
