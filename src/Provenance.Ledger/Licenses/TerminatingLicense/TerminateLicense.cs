using Provenance.Domain.Common;
using Provenance.Domain.Licenses;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Licenses.TerminatingLicense;

/// <summary>The body of <c>POST /datasets/{id}/licenses/{licenseId}/termination</c>.</summary>
public sealed record TerminateLicenseRequest(DateOnly? EffectiveOn, string? Reason);

/// <summary>Terminate a license from a date, as sent.</summary>
internal sealed record TerminateLicenseCommand(Guid DatasetId, Guid LicenseId, Precondition? IfMatch, TerminateLicenseRequest Body)
    : ICommand<TerminateLicenseCommand.Valid>, IDatasetWrite
{
    internal sealed record Valid(Guid DatasetId, Guid LicenseId, Precondition? IfMatch, DateOnly EffectiveOn, string Reason);
}

internal sealed class TerminateLicenseParser : ICommandParser<TerminateLicenseCommand, TerminateLicenseCommand.Valid>
{
    public TerminateLicenseCommand.Valid Parse(TerminateLicenseCommand command, FieldErrors errors) =>
        new(command.DatasetId, command.LicenseId, command.IfMatch, errors.Required("effectiveOn", command.Body.EffectiveOn),
            errors.Text("reason", command.Body.Reason, maxLength: 2000, multiline: true));
}

internal sealed class HandleTerminateLicense(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<TerminateLicenseCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(TerminateLicenseCommand.Valid command, CancellationToken cancellationToken)
    {
        var (datasetId, licenseId, ifMatch, effectiveOn, reason) = command;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var terminated = ManageLicense.Terminate(dataset, new LicenseTerminated(datasetId, licenseId, effectiveOn, reason, context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [terminated],
            $"/datasets/{datasetId}/licenses/{licenseId}", cancellationToken);
    }
}
