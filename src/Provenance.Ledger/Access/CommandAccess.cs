using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Domain.Access;

namespace Provenance.Ledger.Access;

/// <summary>A write on an existing dataset: by a steward of the dataset's institution, or an administrator.</summary>
internal interface IDatasetWrite
{
    Guid DatasetId { get; }
}

/// <summary>A dataset's registration: by a steward of the institution it names, or an administrator.</summary>
internal interface IDatasetRegistration
{
    string? SourceInstitution { get; }
}

/// <summary>An IRB protocol write: by an IRB reviewer or an administrator.</summary>
internal interface IIrbWrite;

/// <summary>
/// A model write (registration, training run, release, withdrawal; #18: regulatory status, PCCP,
/// evaluation, monitoring finding, model card facts): by a steward of any institution, or an administrator.
/// </summary>
internal interface IModelWrite;

/// <summary>Administration (API keys): administrators only.</summary>
internal interface IAdministration;

/// <summary>
/// The access check of every write, in the MediatR pipeline before validation: it holds for the
/// REST endpoints (behind their role policies) and for each line of a bulk import alike. It
/// refuses with 403 a caller whose roles do not cover the command, and a steward writing for an
/// institution not their own; it records the role the write is made under. A command that names
/// no rule is a programming error, refused loudly rather than let through.
/// </summary>
internal sealed class AccessBehavior<TRequest, TResponse>(RequestContext context, DatasetInstitutions institutions)
    : IPipelineBehavior<TRequest, TResponse>
    where TRequest : notnull
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        switch (request)
        {
            case IAdministration:
                Require(Role.Admin, "Only an administrator may manage API keys.");
                break;
            case IIrbWrite:
                ActAsOneOf("Only an IRB reviewer or an administrator may record IRB approvals and their changes.", Role.IrbReviewer, Role.Admin);
                break;
            case IModelWrite:
                ActAsOneOf("Only a steward or an administrator may record models, their training runs and their regulatory facts.", Role.Steward, Role.Admin);
                break;
            case IDatasetRegistration registration:
                StewardOf(registration.SourceInstitution?.Trim());
                break;
            case IDatasetWrite write:
                StewardOf(await institutions.FindAsync(write.DatasetId, cancellationToken));
                break;
            case ICommand:
                throw new InvalidOperationException($"{typeof(TRequest).Name} names no access rule (Access/CommandAccess.cs).");
        }

        return await next();
    }

    private void Require(Role role, string reason)
    {
        if (!context.Has(role))
        {
            throw new ForbiddenException(reason);
        }

        context.ActAs(role);
    }

    private void ActAsOneOf(string reason, params Role[] roles)
    {
        foreach (var role in roles)
        {
            if (context.Has(role))
            {
                context.ActAs(role);
                return;
            }
        }

        throw new ForbiddenException(reason);
    }

    /// <summary>
    /// A steward acts for their own institution; an administrator for any. An institution that is
    /// unknown here (no such dataset, or none named yet) is left to the handler's 404 or the validator's 422.
    /// </summary>
    private void StewardOf(string? institution)
    {
        if (context.Has(Role.Steward) && (institution is null || string.Equals(institution, context.Institution?.Trim(), StringComparison.Ordinal)))
        {
            context.ActAs(Role.Steward);
        }
        else if (context.Has(Role.Admin))
        {
            context.ActAs(Role.Admin);
        }
        else if (context.Has(Role.Steward))
        {
            throw new ForbiddenException(context.Institution is null
                ? "Your credential names no institution, and a steward writes only for their own."
                : $"A steward writes only for their own institution ({context.Institution}).");
        }
        else
        {
            throw new ForbiddenException("Only a steward of the dataset's institution or an administrator may write on datasets.");
        }
    }
}
