using MediatR;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Common;
using Provenance.Domain.Licenses;

namespace Provenance.Ledger.Licenses;

/// <summary>The terms of a license or agreement.</summary>
public sealed record LicenseTermsRequest(
    [property: EnumValues(typeof(PermittedUse))] IReadOnlyList<string?>? PermittedUses, [property: OptionalMember] [property: EnumValues(typeof(Prohibition))] IReadOnlyList<string?>? Prohibitions, [property: OptionalMember] DateOnly? ExpiresOn,
    string? DocumentReference, string? DocumentSha256);

/// <summary>The body of <c>POST /datasets/{id}/licenses</c>.</summary>
public sealed record GrantLicenseRequest(
    [property: EnumValues(typeof(LicenseKind))] string? Kind, [property: OptionalMember] string? SpdxId, IReadOnlyList<string?>? Parties, [property: OptionalMember] string? Attribution, string? Territory, DateOnly? EffectiveOn,
    LicenseTermsRequest? Terms);

public sealed record AmendLicenseRequest(DateOnly? EffectiveOn, LicenseTermsRequest? Terms, string? Summary);

public sealed record TerminateLicenseRequest(DateOnly? EffectiveOn, string? Reason);

internal sealed record GrantLicenseCommand(Guid DatasetId, Precondition? IfMatch, GrantLicenseRequest Body) : ICommand, IDatasetWrite;

internal sealed record AmendLicenseCommand(Guid DatasetId, Guid LicenseId, Precondition? IfMatch, AmendLicenseRequest Body) : ICommand, IDatasetWrite;

internal sealed record TerminateLicenseCommand(Guid DatasetId, Guid LicenseId, Precondition? IfMatch, TerminateLicenseRequest Body) : ICommand, IDatasetWrite;

internal static class LicenseValidation
{
    public static void Terms(FieldErrors errors, LicenseTermsRequest? terms)
    {
        if (terms is null)
        {
            errors.Add("terms", "is required");
            return;
        }

        errors.OneOfEach<PermittedUse>("terms.permittedUses", terms.PermittedUses);
        errors.OneOfEach<Prohibition>("terms.prohibitions", terms.Prohibitions, required: false);
        errors.Text("terms.documentReference", terms.DocumentReference, maxLength: 500);
        errors.Sha256("terms.documentSha256", terms.DocumentSha256);
    }

    public static LicenseTerms ToTerms(LicenseTermsRequest terms) => new(
        Parse.Enums<PermittedUse>(terms.PermittedUses), Parse.Enums<Prohibition>(terms.Prohibitions), terms.ExpiresOn,
        terms.DocumentReference!.Trim(), terms.DocumentSha256!.ToLowerInvariant());
}

internal sealed class GrantLicenseValidator : IValidator<GrantLicenseCommand>
{
    public void Validate(GrantLicenseCommand request, FieldErrors errors)
    {
        var body = request.Body;
        errors.OneOf<LicenseKind>("kind", body.Kind);
        errors.Text("spdxId", body.SpdxId, maxLength: 100, required: false);
        if (errors.List("parties", body.Parties, max: 50))
        {
            for (var i = 0; i < body.Parties!.Count; i++)
            {
                errors.Text($"parties[{i}]", body.Parties[i], maxLength: 300);
            }
        }

        errors.Text("attribution", body.Attribution, maxLength: 2000, required: false, multiline: true);
        errors.Text("territory", body.Territory, maxLength: 200);
        errors.Required("effectiveOn", body.EffectiveOn);
        LicenseValidation.Terms(errors, body.Terms);
    }
}

internal sealed class AmendLicenseValidator : IValidator<AmendLicenseCommand>
{
    public void Validate(AmendLicenseCommand request, FieldErrors errors)
    {
        errors.Required("effectiveOn", request.Body.EffectiveOn);
        errors.Text("summary", request.Body.Summary, maxLength: 2000, multiline: true);
        LicenseValidation.Terms(errors, request.Body.Terms);
    }
}

internal sealed class TerminateLicenseValidator : IValidator<TerminateLicenseCommand>
{
    public void Validate(TerminateLicenseCommand request, FieldErrors errors)
    {
        errors.Required("effectiveOn", request.Body.EffectiveOn);
        errors.Text("reason", request.Body.Reason, maxLength: 2000, multiline: true);
    }
}

internal sealed class HandleGrantLicense(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<GrantLicenseCommand, CommandResult>
{
    public async Task<CommandResult> Handle(GrantLicenseCommand request, CancellationToken cancellationToken)
    {
        var (datasetId, ifMatch, body) = request;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var granted = ManageLicense.Grant(dataset, new LicenseGranted(
            datasetId, Guid.CreateVersion7(), EnumNames.Parse<LicenseKind>(body.Kind!), body.SpdxId?.Trim(),
            body.Parties!.Select(Parse.Trimmed).ToList(), body.Attribution?.Trim(), body.Territory!.Trim(), body.EffectiveOn!.Value,
            LicenseValidation.ToTerms(body.Terms!), context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [granted],
            $"/datasets/{datasetId}/licenses/{granted.LicenseId}", cancellationToken);
    }
}

internal sealed class HandleAmendLicense(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<AmendLicenseCommand, CommandResult>
{
    public async Task<CommandResult> Handle(AmendLicenseCommand request, CancellationToken cancellationToken)
    {
        var (datasetId, licenseId, ifMatch, body) = request;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var amended = ManageLicense.Amend(dataset, new LicenseAmended(
            datasetId, licenseId, body.EffectiveOn!.Value, LicenseValidation.ToTerms(body.Terms!), Parse.Trimmed(body.Summary), context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [amended],
            $"/datasets/{datasetId}/licenses/{licenseId}", cancellationToken);
    }
}

internal sealed class HandleTerminateLicense(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<TerminateLicenseCommand, CommandResult>
{
    public async Task<CommandResult> Handle(TerminateLicenseCommand request, CancellationToken cancellationToken)
    {
        var (datasetId, licenseId, ifMatch, body) = request;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var terminated = ManageLicense.Terminate(dataset, new LicenseTerminated(
            datasetId, licenseId, body.EffectiveOn!.Value, Parse.Trimmed(body.Reason), context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [terminated],
            $"/datasets/{datasetId}/licenses/{licenseId}", cancellationToken);
    }
}
