using Provenance.Domain.Common;
using Provenance.Domain.Licenses;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Licenses.GrantingLicense;

/// <summary>The body of <c>POST /datasets/{id}/licenses</c>.</summary>
public sealed record GrantLicenseRequest(
    [property: EnumValues(typeof(LicenseKind))] string? Kind,
    [property: OptionalMember] string? SpdxId,
    IReadOnlyList<string?>? Parties,
    [property: OptionalMember] string? Attribution,
    string? Territory,
    DateOnly? EffectiveOn,
    LicenseTermsRequest? Terms);

/// <summary>Grant a license or record an agreement on a dataset, as sent.</summary>
internal sealed record GrantLicenseCommand(Guid DatasetId, Precondition? IfMatch, GrantLicenseRequest Body) : ICommand<GrantLicenseCommand.Valid>, IDatasetWrite
{
    internal sealed record Valid(
        Guid DatasetId, Precondition? IfMatch, LicenseKind Kind, string? SpdxId, IReadOnlyList<string> Parties, string? Attribution,
        string Territory, DateOnly EffectiveOn, LicenseTerms Terms);
}

internal sealed class GrantLicenseParser : ICommandParser<GrantLicenseCommand, GrantLicenseCommand.Valid>
{
    public GrantLicenseCommand.Valid Parse(GrantLicenseCommand command, FieldErrors errors)
    {
        var body = command.Body;
        var kind = errors.OneOf<LicenseKind>("kind", body.Kind);
        var spdxId = errors.OptionalText("spdxId", body.SpdxId, maxLength: 100);
        var parties = errors.List("parties", body.Parties, max: 50)
            ? body.Parties.Select((p, i) => errors.Text($"parties[{i}]", p, maxLength: 300)).ToList()
            : [];
        var attribution = errors.OptionalText("attribution", body.Attribution, maxLength: 2000, multiline: true);
        var territory = errors.Text("territory", body.Territory, maxLength: 200);
        var effectiveOn = errors.Required("effectiveOn", body.EffectiveOn);
        return new(command.DatasetId, command.IfMatch, kind, spdxId, parties, attribution, territory, effectiveOn, LicenseTermsRequest.Parse(errors, body.Terms));
    }
}

internal sealed class HandleGrantLicense(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<GrantLicenseCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(GrantLicenseCommand.Valid command, CancellationToken cancellationToken)
    {
        var (datasetId, ifMatch, kind, spdxId, parties, attribution, territory, effectiveOn, terms) = command;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var granted = ManageLicense.Grant(dataset, new LicenseGranted(
            datasetId, Guid.CreateVersion7(), kind, spdxId, parties, attribution, territory, effectiveOn, terms, context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [granted],
            $"/datasets/{datasetId}/licenses/{granted.LicenseId}", cancellationToken);
    }
}
