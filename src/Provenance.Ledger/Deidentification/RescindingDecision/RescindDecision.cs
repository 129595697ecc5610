using Provenance.Domain.Common;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Decision = Provenance.Domain.Deidentification.DecideDeidentification;

namespace Provenance.Ledger.Deidentification.RescindingDecision;

/// <summary>The body of <c>POST /datasets/{id}/deidentification-decisions/{decisionId}/rescission</c>; <c>rescindedAt</c> defaults to now.</summary>
public sealed record RescissionRequest(string? Reason, [property: OptionalMember] DateTimeOffset? RescindedAt);

/// <summary>Rescind a de-identification decision, as sent.</summary>
internal sealed record RescindDeidentificationCommand(Guid DatasetId, Guid DecisionId, Precondition? IfMatch, RescissionRequest Body)
    : ICommand<RescindDeidentificationCommand.Valid>, IDatasetWrite
{
    internal sealed record Valid(Guid DatasetId, Guid DecisionId, Precondition? IfMatch, string Reason, DateTimeOffset? RescindedAt);
}

internal sealed class RescindDecisionParser : ICommandParser<RescindDeidentificationCommand, RescindDeidentificationCommand.Valid>
{
    public RescindDeidentificationCommand.Valid Parse(RescindDeidentificationCommand command, FieldErrors errors) =>
        new(command.DatasetId, command.DecisionId, command.IfMatch,
            errors.Text("reason", command.Body.Reason, maxLength: 2000, multiline: true), command.Body.RescindedAt);
}

internal sealed class HandleRescindDecision(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<RescindDeidentificationCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(RescindDeidentificationCommand.Valid command, CancellationToken cancellationToken)
    {
        var (datasetId, decisionId, ifMatch, reason, rescindedAt) = command;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var rescinded = Decision.Rescind(dataset, decisionId, reason, context.ActorId, rescindedAt ?? clock.GetUtcNow());
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [rescinded],
            $"/datasets/{datasetId}/deidentification-decisions/{decisionId}", cancellationToken);
    }
}
