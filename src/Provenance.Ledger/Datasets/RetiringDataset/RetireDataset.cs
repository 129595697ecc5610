using Provenance.Domain.Common;
using Provenance.Ledger.Access;
using Provenance.Ledger.Datasets.QuarantiningVersion;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Decision = Provenance.Domain.Datasets.RetiringDataset.RetireDataset;

namespace Provenance.Ledger.Datasets.RetiringDataset;

/// <summary>Retire a dataset, as sent.</summary>
internal sealed record RetireDatasetCommand(Guid DatasetId, Precondition? IfMatch, ReasonRequest Body) : ICommand<RetireDatasetCommand.Valid>, IDatasetWrite
{
    internal sealed record Valid(Guid DatasetId, Precondition? IfMatch, string Reason);
}

internal sealed class RetireDatasetParser : ICommandParser<RetireDatasetCommand, RetireDatasetCommand.Valid>
{
    public RetireDatasetCommand.Valid Parse(RetireDatasetCommand command, FieldErrors errors) =>
        new(command.DatasetId, command.IfMatch, errors.Text("reason", command.Body.Reason, maxLength: 2000, multiline: true));
}

internal sealed class HandleRetireDataset(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<RetireDatasetCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(RetireDatasetCommand.Valid command, CancellationToken cancellationToken)
    {
        var (dataset, version) = await aggregates.DatasetAsync(command.DatasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(command.IfMatch, version);
        var retired = Decision.Decide(dataset, command.Reason, context.ActorId, clock.GetUtcNow());
        return await ledger.AppendAsync(dataset.Id, StreamTypes.Dataset, expected, [retired], $"/datasets/{dataset.Id}", cancellationToken);
    }
}
