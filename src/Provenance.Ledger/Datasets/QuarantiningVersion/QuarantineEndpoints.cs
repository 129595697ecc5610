using MediatR;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets.QuarantiningVersion;

namespace Provenance.Ledger.Datasets.QuarantiningVersion;

/// <summary>Why a version is quarantined or released, or why a dataset is retired.</summary>
public sealed record ReasonRequest(string? Reason);

internal sealed record QuarantineVersionCommand(Guid DatasetId, int Version, bool Release, Precondition? IfMatch, ReasonRequest Body) : ICommand, IDatasetWrite;

internal sealed class ReasonValidator : IValidator<QuarantineVersionCommand>
{
    public void Validate(QuarantineVersionCommand request, FieldErrors errors) =>
        errors.Text("reason", request.Body.Reason, maxLength: 2000, multiline: true);
}

internal sealed class HandleQuarantineVersion(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<QuarantineVersionCommand, CommandResult>
{
    public async Task<CommandResult> Handle(QuarantineVersionCommand request, CancellationToken cancellationToken)
    {
        var (datasetId, number, release, ifMatch, body) = request;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var reason = Parse.Trimmed(body.Reason);
        object decided = release
            ? QuarantineVersion.Release(dataset, number, reason, context.ActorId, clock.GetUtcNow())
            : QuarantineVersion.Quarantine(dataset, number, reason, context.ActorId, clock.GetUtcNow());
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [decided],
            $"/datasets/{datasetId}/versions/{number}", cancellationToken);
    }
}
