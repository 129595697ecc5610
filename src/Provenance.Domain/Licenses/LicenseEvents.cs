using Provenance.Domain.Common;

namespace Provenance.Domain.Licenses;

public enum LicenseKind
{
    /// <summary>A public license named by its SPDX identifier.</summary>
    Spdx,
    DataUseAgreement,
    BusinessAssociateAgreement,
}

public enum Prohibition
{
    Reidentification,
    Linkage,
    ContactingSubjects,
}

/// <summary>The terms of a license or agreement as they stand from a date on.</summary>
public sealed record LicenseTerms(
    IReadOnlyList<PermittedUse> PermittedUses,
    IReadOnlyList<Prohibition> Prohibitions,
    DateOnly? ExpiresOn,
    string DocumentReference,
    string DocumentSha256);

/// <summary>A license or data-use agreement was put on a dataset.</summary>
public sealed record LicenseGranted(
    Guid DatasetId,
    Guid LicenseId,
    LicenseKind Kind,
    string? SpdxId,
    IReadOnlyList<string> Parties,
    string? Attribution,
    string Territory,
    DateOnly EffectiveOn,
    LicenseTerms Terms,
    string GrantedBy,
    DateTimeOffset GrantedAt);

/// <summary>A license's terms changed from <see cref="EffectiveOn"/> on.</summary>
public sealed record LicenseAmended(
    Guid DatasetId,
    Guid LicenseId,
    DateOnly EffectiveOn,
    LicenseTerms Terms,
    string Summary,
    string AmendedBy,
    DateTimeOffset AmendedAt);

/// <summary>A license ended early; it permits nothing from <see cref="EffectiveOn"/> on.</summary>
public sealed record LicenseTerminated(
    Guid DatasetId,
    Guid LicenseId,
    DateOnly EffectiveOn,
    string Reason,
    string TerminatedBy,
    DateTimeOffset TerminatedAt);
