using MediatR;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Infrastructure.Mediation;

/// <summary>Runs every validator of the request first; a request with field errors never reaches its handler.</summary>
internal sealed class ValidationBehavior<TRequest, TResponse>(IEnumerable<IValidator<TRequest>> validators)
    : IPipelineBehavior<TRequest, TResponse>
{
    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var errors = new FieldErrors();
        foreach (var validator in validators)
        {
            validator.Validate(request, errors);
        }

        errors.ThrowIfAny();
        return next();
    }
}
