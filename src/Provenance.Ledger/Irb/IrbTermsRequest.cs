using Provenance.Domain.Common;
using Provenance.Domain.Irb;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Irb;

/// <summary>An IRB approval's terms, as an approval or an amendment sends them.</summary>
public sealed record IrbTermsRequest(
    [property: OptionalMember] DateOnly? ExpiresOn,
    [property: EnumValues(typeof(PermittedUse))] IReadOnlyList<string?>? PermittedUses,
    IReadOnlyList<Guid>? CoveredDatasetIds)
{
    /// <summary>The terms, checked under <c>terms.</c>.</summary>
    internal static IrbTerms Parse(FieldErrors errors, IrbTermsRequest? terms)
    {
        if (errors.Present("terms", terms) is not { } t)
        {
            return new IrbTerms(null, [], []);
        }

        var uses = errors.OneOfEach<PermittedUse>("terms.permittedUses", t.PermittedUses);
        var covered = errors.List("terms.coveredDatasetIds", t.CoveredDatasetIds, max: 10_000) ? t.CoveredDatasetIds.ToList() : [];
        return new IrbTerms(t.ExpiresOn, uses, covered);
    }
}
