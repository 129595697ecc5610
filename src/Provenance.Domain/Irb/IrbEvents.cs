using Provenance.Domain.Common;

namespace Provenance.Domain.Irb;

public enum ReviewType
{
    /// <summary>45 CFR 46.104(d), with its category.</summary>
    Exempt,

    /// <summary>45 CFR 46.110.</summary>
    Expedited,

    FullBoard,
}

public enum ConsentBasis
{
    InformedConsent,

    /// <summary>45 CFR 46.116(d).</summary>
    BroadConsent,

    /// <summary>Waiver or alteration of consent, 45 CFR 46.116(f).</summary>
    WaiverOrAlteration,

    /// <summary>Waiver of HIPAA authorization by an IRB or privacy board, 45 CFR 164.512(i).</summary>
    HipaaAuthorizationWaiver,
}

/// <summary>What an IRB approval allows, and until when, from a date on.</summary>
public sealed record IrbTerms(
    DateOnly? ExpiresOn,
    IReadOnlyList<PermittedUse> PermittedUses,
    IReadOnlyList<Guid> CoveredDatasetIds);

/// <summary>An IRB approved (or determined exempt) a research protocol covering some datasets.</summary>
public sealed record IrbProtocolApproved(
    Guid ProtocolId,
    string IrbName,
    string IrbRegistration,
    string ProtocolNumber,
    string Title,
    string PrincipalInvestigator,
    ReviewType ReviewType,
    int? ExemptCategory,
    DateOnly ApprovedOn,
    ConsentBasis ConsentBasis,
    IrbTerms Terms,
    string EnteredBy,
    DateTimeOffset EnteredAt);

/// <summary>The protocol's terms (scope, uses, expiry or continuing review) changed from <see cref="EffectiveOn"/> on.</summary>
public sealed record IrbProtocolAmended(
    Guid ProtocolId, DateOnly EffectiveOn, IrbTerms Terms, string Summary, string EnteredBy, DateTimeOffset EnteredAt);

/// <summary>The IRB suspended the protocol (45 CFR 46.113).</summary>
public sealed record IrbProtocolSuspended(Guid ProtocolId, DateOnly EffectiveOn, string Reason, string EnteredBy, DateTimeOffset EnteredAt);

/// <summary>A suspended protocol was reinstated.</summary>
public sealed record IrbProtocolReinstated(Guid ProtocolId, DateOnly EffectiveOn, string Reason, string EnteredBy, DateTimeOffset EnteredAt);

/// <summary>The IRB terminated its approval (45 CFR 46.113).</summary>
public sealed record IrbProtocolTerminated(Guid ProtocolId, DateOnly EffectiveOn, string Reason, string EnteredBy, DateTimeOffset EnteredAt);

/// <summary>The study was closed.</summary>
public sealed record IrbProtocolClosed(Guid ProtocolId, DateOnly EffectiveOn, string Reason, string EnteredBy, DateTimeOffset EnteredAt);
