using Provenance.Domain.Common;
using Provenance.Domain.Datasets;

namespace Provenance.Domain.Licenses;

/// <summary>Grant, amend and terminate a dataset's licenses.</summary>
public static class ManageLicense
{
    public static LicenseGranted Grant(Dataset dataset, LicenseGranted granted)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(granted);
        var violations = new List<RuleViolation>();
        if (granted.Kind == LicenseKind.Spdx && string.IsNullOrWhiteSpace(granted.SpdxId))
        {
            violations.Add(new("spdxId", "spdx-id-missing", "An SPDX license needs its SPDX identifier."));
        }

        if (granted.Kind != LicenseKind.Spdx && granted.SpdxId is not null)
        {
            violations.Add(new("spdxId", "spdx-id-not-applicable", $"A {Names.Of(granted.Kind)} has no SPDX identifier."));
        }

        CheckTerms(granted.EffectiveOn, granted.Terms, violations);
        RuleViolationException.ThrowIfAny(violations);
        return granted;
    }

    public static LicenseAmended Amend(Dataset dataset, LicenseAmended amended)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(amended);
        var violations = new List<RuleViolation>();
        var license = Existing(dataset, amended.LicenseId, violations);
        if (license is not null)
        {
            if (amended.EffectiveOn < license.Granted.EffectiveOn)
            {
                violations.Add(new("effectiveOn", "amendment-before-grant", "An amendment cannot take effect before the license itself."));
            }

            CheckTerms(amended.EffectiveOn, amended.Terms, violations);
        }

        RuleViolationException.ThrowIfAny(violations);
        return amended;
    }

    public static LicenseTerminated Terminate(Dataset dataset, LicenseTerminated terminated)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(terminated);
        var violations = new List<RuleViolation>();
        var license = Existing(dataset, terminated.LicenseId, violations);
        if (license is not null && terminated.EffectiveOn < license.Granted.EffectiveOn)
        {
            violations.Add(new("effectiveOn", "termination-before-grant", "A termination cannot take effect before the license itself."));
        }

        RuleViolationException.ThrowIfAny(violations);
        return terminated;
    }

    private static DatasetLicense? Existing(Dataset dataset, Guid licenseId, List<RuleViolation> violations)
    {
        var license = dataset.Licenses.FirstOrDefault(l => l.Granted.LicenseId == licenseId);
        if (license is null)
        {
            violations.Add(new("licenseId", "unknown-license", $"Dataset {dataset.Id} has no license {licenseId}."));
        }
        else if (license.Terminated is not null)
        {
            violations.Add(new("licenseId", "license-terminated", $"License {licenseId} was terminated on {license.Terminated.EffectiveOn:yyyy-MM-dd}."));
            return null;
        }

        return license;
    }

    private static void CheckTerms(DateOnly effectiveOn, LicenseTerms terms, List<RuleViolation> violations)
    {
        if (terms.ExpiresOn is { } expires && expires <= effectiveOn)
        {
            violations.Add(new("terms.expiresOn", "expiry-before-effective", $"The license expires ({expires:yyyy-MM-dd}) on or before it takes effect ({effectiveOn:yyyy-MM-dd})."));
        }

        if (terms.PermittedUses.Distinct().Count() != terms.PermittedUses.Count)
        {
            violations.Add(new("terms.permittedUses", "duplicate-use", "A permitted use is listed more than once."));
        }
    }
}
