using Provenance.Domain.Common;
using Provenance.Domain.Licenses;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Licenses;

/// <summary>The terms of a license or agreement.</summary>
public sealed record LicenseTermsRequest(
    [property: EnumValues(typeof(PermittedUse))] IReadOnlyList<string?>? PermittedUses,
    [property: OptionalMember] [property: EnumValues(typeof(Prohibition))] IReadOnlyList<string?>? Prohibitions,
    [property: OptionalMember] DateOnly? ExpiresOn,
    string? DocumentReference,
    string? DocumentSha256)
{
    /// <summary>The terms, checked under <c>terms.</c>.</summary>
    internal static LicenseTerms Parse(FieldErrors errors, LicenseTermsRequest? terms)
    {
        if (errors.Present("terms", terms) is not { } t)
        {
            return new LicenseTerms([], [], null, "", "");
        }

        return new LicenseTerms(
            errors.OneOfEach<PermittedUse>("terms.permittedUses", t.PermittedUses),
            errors.OneOfEach<Prohibition>("terms.prohibitions", t.Prohibitions, required: false),
            t.ExpiresOn,
            errors.Text("terms.documentReference", t.DocumentReference, maxLength: 500),
            errors.Sha256("terms.documentSha256", t.DocumentSha256).ToLowerInvariant());
    }
}
