using Provenance.Domain.Common;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Decision = Provenance.Domain.Datasets.QuarantiningVersion.QuarantineVersion;

namespace Provenance.Ledger.Datasets.QuarantiningVersion;

/// <summary>Why a version is quarantined or released, or why a dataset is retired.</summary>
public sealed record ReasonRequest(string? Reason);

/// <summary>Quarantine a dataset version (or, with <see cref="Release"/>, release it), as sent.</summary>
internal sealed record QuarantineVersionCommand(Guid DatasetId, int Version, bool Release, Precondition? IfMatch, ReasonRequest Body)
    : ICommand<QuarantineVersionCommand.Valid>, IDatasetWrite
{
    internal sealed record Valid(Guid DatasetId, int Version, bool Release, Precondition? IfMatch, string Reason);
}

internal sealed class QuarantineVersionParser : ICommandParser<QuarantineVersionCommand, QuarantineVersionCommand.Valid>
{
    public QuarantineVersionCommand.Valid Parse(QuarantineVersionCommand command, FieldErrors errors) =>
        new(command.DatasetId, command.Version, command.Release, command.IfMatch,
            errors.Text("reason", command.Body.Reason, maxLength: 2000, multiline: true));
}

internal sealed class HandleQuarantineVersion(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<QuarantineVersionCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(QuarantineVersionCommand.Valid command, CancellationToken cancellationToken)
    {
        var (datasetId, number, release, ifMatch, reason) = command;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        object decided = release
            ? Decision.Release(dataset, number, reason, context.ActorId, clock.GetUtcNow())
            : Decision.Quarantine(dataset, number, reason, context.ActorId, clock.GetUtcNow());
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [decided],
            $"/datasets/{datasetId}/versions/{number}", cancellationToken);
    }
}
