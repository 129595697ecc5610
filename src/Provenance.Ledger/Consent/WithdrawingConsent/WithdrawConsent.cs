using Provenance.Domain.Common;
using Provenance.Domain.Consent;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Decision = Provenance.Domain.Consent.WithdrawConsent;

namespace Provenance.Ledger.Consent.WithdrawingConsent;

/// <summary>The body of <c>POST /datasets/{id}/versions/{v}/consent-withdrawals</c>: a count, never who.</summary>
public sealed record WithdrawConsentRequest(
    long? SubjectCount, DateOnly? EffectiveOn, [property: EnumValues(typeof(ConsentAction))] IReadOnlyList<string?>? RequiredActions);

/// <summary>Record a consent withdrawal on a dataset version, as sent.</summary>
internal sealed record WithdrawConsentCommand(Guid DatasetId, int Version, Precondition? IfMatch, WithdrawConsentRequest Body)
    : ICommand<WithdrawConsentCommand.Valid>, IDatasetWrite
{
    internal sealed record Valid(Guid DatasetId, int Version, Precondition? IfMatch, long SubjectCount, DateOnly EffectiveOn, IReadOnlyList<ConsentAction> RequiredActions);
}

internal sealed class WithdrawConsentParser : ICommandParser<WithdrawConsentCommand, WithdrawConsentCommand.Valid>
{
    public WithdrawConsentCommand.Valid Parse(WithdrawConsentCommand command, FieldErrors errors)
    {
        var body = command.Body;
        var subjects = errors.Count("subjectCount", body.SubjectCount);
        if (body.SubjectCount == 0)
        {
            errors.Add("subjectCount", "must be at least 1");
        }

        var effectiveOn = errors.Required("effectiveOn", body.EffectiveOn);
        var actions = errors.List("requiredActions", body.RequiredActions, max: 2)
            ? errors.OneOfEach<ConsentAction>("requiredActions", body.RequiredActions).Distinct().ToList()
            : [];
        return new(command.DatasetId, command.Version, command.IfMatch, subjects, effectiveOn, actions);
    }
}

internal sealed class HandleWithdrawConsent(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<WithdrawConsentCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(WithdrawConsentCommand.Valid command, CancellationToken cancellationToken)
    {
        var (datasetId, number, ifMatch, subjects, effectiveOn, actions) = command;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var withdrawn = Decision.Decide(dataset, Guid.CreateVersion7(), number, subjects, effectiveOn, actions, context.ActorId, clock.GetUtcNow());
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [withdrawn],
            $"/datasets/{datasetId}/consent-withdrawals/{withdrawn.WithdrawalId}", cancellationToken);
    }
}
