using MediatR;
using Provenance.Ledger.Access;
using Provenance.Ledger.Datasets.QuarantiningVersion;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets.RetiringDataset;

namespace Provenance.Ledger.Datasets.RetiringDataset;

internal sealed record RetireDatasetCommand(Guid DatasetId, Precondition? IfMatch, ReasonRequest Body) : ICommand, IDatasetWrite;

internal sealed class RetireDatasetValidator : IValidator<RetireDatasetCommand>
{
    public void Validate(RetireDatasetCommand request, FieldErrors errors) =>
        errors.Text("reason", request.Body.Reason, maxLength: 2000, multiline: true);
}

internal sealed class HandleRetireDataset(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<RetireDatasetCommand, CommandResult>
{
    public async Task<CommandResult> Handle(RetireDatasetCommand request, CancellationToken cancellationToken)
    {
        var (dataset, version) = await aggregates.DatasetAsync(request.DatasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(request.IfMatch, version);
        var retired = RetireDataset.Decide(dataset, Parse.Trimmed(request.Body.Reason), context.ActorId, clock.GetUtcNow());
        return await ledger.AppendAsync(dataset.Id, StreamTypes.Dataset, expected, [retired],
            $"/datasets/{dataset.Id}", cancellationToken);
    }
}
