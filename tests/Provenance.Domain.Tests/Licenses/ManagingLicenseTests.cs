using Provenance.Domain.Common;
using Provenance.Domain.Licenses;
using Provenance.Domain.Tests.Clearance;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Licenses;

public sealed class ManagingLicenseTests
{
    private static readonly DateOnly Effective = Day(2024, 1, 1);

    // Scenario's dataset, which already holds a training license of its own.
    private static (Scenario Ledger, Guid Id) Given()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        return (ledger, id);
    }

    // A dataset with one license in force from 2024-01-01.
    private static (Scenario Ledger, Guid Id, LicenseGranted License) GivenLicensed()
    {
        var (ledger, id) = Given();
        var granted = Grant(id);
        ledger.Apply(id, granted);
        return (ledger, id, granted);
    }

    private static LicenseGranted Grant(Guid id, LicenseKind kind = LicenseKind.DataUseAgreement) =>
        License(id, [PermittedUse.Research, PermittedUse.ModelTraining], Effective, Day(2026, 12, 31), kind);

    private static LicenseAmended Amendment(LicenseGranted license, DateOnly effective, params PermittedUse[] uses) =>
        new(license.DatasetId, license.LicenseId, effective, license.Terms with { PermittedUses = uses }, "adds commercial use", "steward", Start);

    private static LicenseTerminated Termination(LicenseGranted license, DateOnly effective) =>
        new(license.DatasetId, license.LicenseId, effective, "partner exited", "steward", Start);

    [Theory]
    [InlineData(LicenseKind.Spdx)]
    [InlineData(LicenseKind.DataUseAgreement)]
    [InlineData(LicenseKind.BusinessAssociateAgreement)]
    public void A_license_with_valid_terms_is_granted_as_given(LicenseKind kind)
    {
        var (ledger, id) = Given();
        var granted = Grant(id, kind);

        Assert.Same(granted, ManageLicense.Grant(ledger[id], granted));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void An_spdx_license_needs_its_spdx_identifier(string? spdxId)
    {
        var (ledger, id) = Given();
        var granted = Grant(id, LicenseKind.Spdx) with { SpdxId = spdxId };

        var violation = Refused.Single(() => ManageLicense.Grant(ledger[id], granted));

        Assert.Equal(("spdxId", "spdx-id-missing"), (violation.Field, violation.Code));
    }

    [Theory]
    [InlineData(LicenseKind.DataUseAgreement, "data-use-agreement")]
    [InlineData(LicenseKind.BusinessAssociateAgreement, "business-associate-agreement")]
    public void An_agreement_has_no_spdx_identifier(LicenseKind kind, string name)
    {
        var (ledger, id) = Given();
        var granted = Grant(id, kind) with { SpdxId = "CC-BY-4.0" };

        var violation = Refused.Single(() => ManageLicense.Grant(ledger[id], granted));

        Assert.Equal(("spdxId", "spdx-id-not-applicable"), (violation.Field, violation.Code));
        Assert.Contains(name, violation.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_license_expiring_on_or_before_it_takes_effect_is_rejected(int daysAfterEffective)
    {
        var (ledger, id) = Given();
        var granted = Grant(id);
        granted = granted with { Terms = granted.Terms with { ExpiresOn = Effective.AddDays(daysAfterEffective) } };

        var violation = Refused.Single(() => ManageLicense.Grant(ledger[id], granted));

        Assert.Equal(("terms.expiresOn", "expiry-before-effective"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_permitted_use_listed_twice_is_rejected()
    {
        var (ledger, id) = Given();
        var granted = License(id, [PermittedUse.ModelTraining, PermittedUse.Research, PermittedUse.ModelTraining], Effective);

        var violation = Refused.Single(() => ManageLicense.Grant(ledger[id], granted));

        Assert.Equal(("terms.permittedUses", "duplicate-use"), (violation.Field, violation.Code));
    }

    [Fact]
    public void An_amendment_of_a_license_in_force_is_recorded_as_given()
    {
        var (ledger, id, license) = GivenLicensed();
        var amended = Amendment(license, Day(2024, 6, 1), PermittedUse.ModelTraining, PermittedUse.CommercialUse);

        Assert.Same(amended, ManageLicense.Amend(ledger[id], amended));
    }

    [Fact]
    public void An_amendment_taking_effect_the_day_the_license_did_is_accepted()
    {
        var (ledger, id, license) = GivenLicensed();
        var amended = Amendment(license, Effective, PermittedUse.ModelTraining);

        Assert.Same(amended, ManageLicense.Amend(ledger[id], amended));
    }

    [Fact]
    public void An_unknown_license_cannot_be_amended()
    {
        var (ledger, id, license) = GivenLicensed();
        var amended = Amendment(license, Day(2024, 6, 1), PermittedUse.ModelTraining) with { LicenseId = Guid.NewGuid() };

        var violation = Refused.Single(() => ManageLicense.Amend(ledger[id], amended));

        Assert.Equal(("licenseId", "unknown-license"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_terminated_license_cannot_be_amended()
    {
        var (ledger, id, license) = GivenLicensed();
        ledger.Apply(id, Termination(license, Day(2024, 5, 1)));

        var violation = Refused.Single(() => ManageLicense.Amend(ledger[id], Amendment(license, Day(2024, 6, 1), PermittedUse.ModelTraining)));

        Assert.Equal(("licenseId", "license-terminated"), (violation.Field, violation.Code));
    }

    [Fact]
    public void An_amendment_cannot_take_effect_before_the_license()
    {
        var (ledger, id, license) = GivenLicensed();

        var violation = Refused.Single(() => ManageLicense.Amend(ledger[id], Amendment(license, Day(2023, 12, 31), PermittedUse.ModelTraining)));

        Assert.Equal(("effectiveOn", "amendment-before-grant"), (violation.Field, violation.Code));
    }

    [Fact]
    public void Amended_terms_must_expire_after_the_amendment_and_list_each_use_once()
    {
        var (ledger, id, license) = GivenLicensed();
        var amended = Amendment(license, Day(2024, 6, 1), PermittedUse.Research, PermittedUse.Research);
        amended = amended with { Terms = amended.Terms with { ExpiresOn = Day(2024, 3, 1) } };

        var codes = Refused.Codes(() => ManageLicense.Amend(ledger[id], amended));

        Assert.Equal(["expiry-before-effective", "duplicate-use"], codes);
    }

    [Fact]
    public void A_termination_of_a_license_in_force_is_recorded_as_given()
    {
        var (ledger, id, license) = GivenLicensed();
        var terminated = Termination(license, Day(2024, 5, 1));

        Assert.Same(terminated, ManageLicense.Terminate(ledger[id], terminated));
    }

    [Fact]
    public void An_unknown_license_cannot_be_terminated()
    {
        var (ledger, id, license) = GivenLicensed();

        var violation = Refused.Single(() => ManageLicense.Terminate(ledger[id], Termination(license, Day(2024, 5, 1)) with { LicenseId = Guid.NewGuid() }));

        Assert.Equal(("licenseId", "unknown-license"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_terminated_license_cannot_be_terminated_again()
    {
        var (ledger, id, license) = GivenLicensed();
        ledger.Apply(id, Termination(license, Day(2024, 5, 1)));

        var violation = Refused.Single(() => ManageLicense.Terminate(ledger[id], Termination(license, Day(2024, 6, 1))));

        Assert.Equal(("licenseId", "license-terminated"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_termination_cannot_take_effect_before_the_license()
    {
        var (ledger, id, license) = GivenLicensed();

        var violation = Refused.Single(() => ManageLicense.Terminate(ledger[id], Termination(license, Day(2023, 12, 31))));

        Assert.Equal(("effectiveOn", "termination-before-grant"), (violation.Field, violation.Code));
    }
}
