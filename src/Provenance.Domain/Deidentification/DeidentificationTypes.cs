namespace Provenance.Domain.Deidentification;

/// <summary>The HIPAA pathway a de-identification decision follows (45 CFR 164.514).</summary>
public enum DeidentificationMethod
{
    /// <summary>164.514(b)(2): the 18 identifiers removed, plus no actual knowledge.</summary>
    SafeHarbor,

    /// <summary>164.514(b)(1): a qualified expert determined the risk is very small.</summary>
    ExpertDetermination,

    /// <summary>164.514(e): still PHI, used under a data use agreement.</summary>
    LimitedDataSet,

    /// <summary>Synthetic or public data, with a justification.</summary>
    NotPhi,
}

public enum DecisionOutcome
{
    Approved,
    Rejected,
}

/// <summary>The 18 identifier categories of 45 CFR 164.514(b)(2)(i)(A)–(R), in the regulation's order.</summary>
public enum SafeHarborIdentifier
{
    Names,
    GeographicSubdivisions,
    Dates,
    TelephoneNumbers,
    FaxNumbers,
    EmailAddresses,
    SocialSecurityNumbers,
    MedicalRecordNumbers,
    HealthPlanBeneficiaryNumbers,
    AccountNumbers,
    CertificateLicenseNumbers,
    VehicleIdentifiers,
    DeviceIdentifiers,
    Urls,
    IpAddresses,
    BiometricIdentifiers,
    FullFacePhotographs,
    OtherUniqueIdentifiers,
}

/// <summary>What was done with an identifier category.</summary>
public enum IdentifierTreatment
{
    Removed,
    Generalized,
    NotPresent,
}

public sealed record IdentifierDisposition(SafeHarborIdentifier Identifier, IdentifierTreatment Treatment);

public sealed record SafeHarborDetails(IReadOnlyList<IdentifierDisposition> Identifiers, bool NoActualKnowledge);

public sealed record ExpertDeterminationDetails(
    string ExpertName,
    string Qualifications,
    string ReportReference,
    string? ReportSha256,
    DateOnly DeterminedOn,
    decimal RiskEstimate,
    decimal RiskThreshold,
    IReadOnlyList<string> Conditions,
    DateOnly? ExpiresOn);

public sealed record LimitedDataSetDetails(string DataUseAgreementReference);

public sealed record NotPhiDetails(string Justification);
