using MediatR;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Common;
using Provenance.Domain.Consent;

namespace Provenance.Ledger.Consent;

/// <summary>The body of <c>POST /datasets/{id}/versions/{v}/consent-withdrawals</c>: a count, never who.</summary>
public sealed record WithdrawConsentRequest(long? SubjectCount, DateOnly? EffectiveOn, [property: EnumValues(typeof(ConsentAction))] IReadOnlyList<string?>? RequiredActions);

internal sealed record WithdrawConsentCommand(Guid DatasetId, int Version, Precondition? IfMatch, WithdrawConsentRequest Body) : ICommand, IDatasetWrite;

internal sealed class WithdrawConsentValidator : IValidator<WithdrawConsentCommand>
{
    public void Validate(WithdrawConsentCommand request, FieldErrors errors)
    {
        var body = request.Body;
        errors.Count("subjectCount", body.SubjectCount);
        if (body.SubjectCount == 0)
        {
            errors.Add("subjectCount", "must be at least 1");
        }

        errors.Required("effectiveOn", body.EffectiveOn);
        if (errors.List("requiredActions", body.RequiredActions, max: 2))
        {
            errors.OneOfEach<ConsentAction>("requiredActions", body.RequiredActions);
        }
    }
}

internal sealed class HandleWithdrawConsent(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<WithdrawConsentCommand, CommandResult>
{
    public async Task<CommandResult> Handle(WithdrawConsentCommand request, CancellationToken cancellationToken)
    {
        var (datasetId, number, ifMatch, body) = request;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var withdrawn = WithdrawConsent.Decide(dataset, Guid.CreateVersion7(), number, body.SubjectCount!.Value, body.EffectiveOn!.Value,
            Parse.Enums<ConsentAction>(body.RequiredActions).Distinct().ToList(), context.ActorId, clock.GetUtcNow());
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [withdrawn],
            $"/datasets/{datasetId}/consent-withdrawals/{withdrawn.WithdrawalId}", cancellationToken);
    }
}
