using Provenance.Domain.Common;
using Provenance.Domain.Licenses;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Licenses.AmendingLicense;

/// <summary>The body of <c>POST /datasets/{id}/licenses/{licenseId}/amendments</c>: new terms from a date.</summary>
public sealed record AmendLicenseRequest(DateOnly? EffectiveOn, LicenseTermsRequest? Terms, string? Summary);

/// <summary>Amend a license's terms, as sent.</summary>
internal sealed record AmendLicenseCommand(Guid DatasetId, Guid LicenseId, Precondition? IfMatch, AmendLicenseRequest Body)
    : ICommand<AmendLicenseCommand.Valid>, IDatasetWrite
{
    internal sealed record Valid(Guid DatasetId, Guid LicenseId, Precondition? IfMatch, DateOnly EffectiveOn, LicenseTerms Terms, string Summary);
}

internal sealed class AmendLicenseParser : ICommandParser<AmendLicenseCommand, AmendLicenseCommand.Valid>
{
    public AmendLicenseCommand.Valid Parse(AmendLicenseCommand command, FieldErrors errors)
    {
        var body = command.Body;
        var effectiveOn = errors.Required("effectiveOn", body.EffectiveOn);
        var summary = errors.Text("summary", body.Summary, maxLength: 2000, multiline: true);
        return new(command.DatasetId, command.LicenseId, command.IfMatch, effectiveOn, LicenseTermsRequest.Parse(errors, body.Terms), summary);
    }
}

internal sealed class HandleAmendLicense(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<AmendLicenseCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(AmendLicenseCommand.Valid command, CancellationToken cancellationToken)
    {
        var (datasetId, licenseId, ifMatch, effectiveOn, terms, summary) = command;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var amended = ManageLicense.Amend(dataset, new LicenseAmended(datasetId, licenseId, effectiveOn, terms, summary, context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [amended],
            $"/datasets/{datasetId}/licenses/{licenseId}", cancellationToken);
    }
}
