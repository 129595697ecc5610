using Provenance.Domain.Common;
using Provenance.Domain.Irb;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Irb;

public sealed class ManagingIrbProtocolTests
{
    private static readonly DateOnly ApprovedOn = Day(2024, 1, 15);
    private static readonly Guid Ehr = Guid.NewGuid();
    private static readonly Guid Notes = Guid.NewGuid();
    private static readonly HashSet<Guid> Existing = [Ehr, Notes];

    private static IrbProtocolApproved Approval(ReviewType review = ReviewType.Expedited, int? category = null, DateOnly? expires = null, Guid[]? covered = null) =>
        new(Guid.NewGuid(), "Lakeshore IRB", "IRB00001234", "21-004512", "Sepsis early warning", "Dr. Rivera", review, category, ApprovedOn,
            ConsentBasis.WaiverOrAlteration, new IrbTerms(expires, [PermittedUse.Research, PermittedUse.ModelTraining], covered ?? [Ehr]), "irb-admin", Start);

    private static IrbProtocolAmended Amendment(IrbProtocol protocol, DateOnly effective, DateOnly? expires = null, Guid[]? covered = null) =>
        new(protocol.Id, effective, new IrbTerms(expires, [PermittedUse.ModelTraining], covered ?? [Ehr, Notes]), "adds clinical notes", "irb-admin", Start);

    [Theory]
    [InlineData(ReviewType.Expedited, null)]
    [InlineData(ReviewType.FullBoard, null)]
    [InlineData(ReviewType.Exempt, 4)]
    public void An_approval_covering_known_datasets_is_recorded_as_given(ReviewType review, int? category)
    {
        var approved = Approval(review, category, expires: ApprovedOn.AddYears(1), covered: [Ehr, Notes]);

        Assert.Same(approved, ManageIrbProtocol.Approve(approved, Existing));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void Every_exempt_category_from_1_to_8_is_accepted(int category)
    {
        var approved = Approval(ReviewType.Exempt, category);

        Assert.Equal(category, ManageIrbProtocol.Approve(approved, Existing).ExemptCategory);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(9)]
    public void An_exempt_determination_must_name_a_category_from_1_to_8(int? category)
    {
        var violation = Refused.Single(() => ManageIrbProtocol.Approve(Approval(ReviewType.Exempt, category), Existing));

        Assert.Equal(("exemptCategory", "exempt-category-missing"), (violation.Field, violation.Code));
    }

    [Theory]
    [InlineData(ReviewType.Expedited)]
    [InlineData(ReviewType.FullBoard)]
    public void Only_an_exempt_determination_has_a_category(ReviewType review)
    {
        var violation = Refused.Single(() => ManageIrbProtocol.Approve(Approval(review, category: 4), Existing));

        Assert.Equal(("exemptCategory", "exempt-category-not-applicable"), (violation.Field, violation.Code));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void An_approval_expiring_on_or_before_it_is_granted_is_rejected(int daysAfterApproval)
    {
        var violation = Refused.Single(() => ManageIrbProtocol.Approve(Approval(expires: ApprovedOn.AddDays(daysAfterApproval)), Existing));

        Assert.Equal(("terms.expiresOn", "expiry-before-approval"), (violation.Field, violation.Code));
    }

    [Fact]
    public void An_approval_covering_an_unknown_dataset_is_rejected_at_its_position()
    {
        var violation = Refused.Single(() => ManageIrbProtocol.Approve(Approval(covered: [Ehr, Guid.NewGuid()]), Existing));

        Assert.Equal(("terms.coveredDatasetIds[1]", "unknown-dataset"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_dataset_covered_twice_is_rejected()
    {
        var violation = Refused.Single(() => ManageIrbProtocol.Approve(Approval(covered: [Ehr, Notes, Ehr]), Existing));

        Assert.Equal(("terms.coveredDatasetIds", "duplicate-dataset"), (violation.Field, violation.Code));
    }

    [Fact]
    public void An_amendment_of_an_active_protocol_is_recorded_as_given()
    {
        var protocol = IrbProtocol.Create(Approval());
        var amended = Amendment(protocol, Day(2024, 6, 1), expires: Day(2025, 6, 1));

        Assert.Same(amended, ManageIrbProtocol.Amend(protocol, amended, Existing));
    }

    [Fact]
    public void A_suspended_protocol_can_still_be_amended()
    {
        var protocol = IrbProtocol.Create(Approval());
        protocol = protocol.Apply(new IrbProtocolSuspended(protocol.Id, Day(2024, 3, 1), "audit finding", "irb-admin", Start));
        var amended = Amendment(protocol, Day(2024, 6, 1));

        Assert.Same(amended, ManageIrbProtocol.Amend(protocol, amended, Existing));
    }

    [Theory]
    [InlineData(true, "terminated")]
    [InlineData(false, "closed")]
    public void An_ended_protocol_cannot_be_amended(bool terminated, string status)
    {
        var protocol = IrbProtocol.Create(Approval());
        protocol = protocol.Apply(terminated
            ? new IrbProtocolTerminated(protocol.Id, Day(2024, 3, 1), "non-compliance", "irb-admin", Start)
            : new IrbProtocolClosed(protocol.Id, Day(2024, 3, 1), "study complete", "irb-admin", Start));

        var violation = Refused.Single(() => ManageIrbProtocol.Amend(protocol, Amendment(protocol, Day(2024, 6, 1)), Existing));

        Assert.Equal(("protocolId", "protocol-ended"), (violation.Field, violation.Code));
        Assert.Contains($"is {status}", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_amendment_cannot_take_effect_before_the_approval()
    {
        var protocol = IrbProtocol.Create(Approval());

        var violation = Refused.Single(() => ManageIrbProtocol.Amend(protocol, Amendment(protocol, ApprovedOn.AddDays(-1)), Existing));

        Assert.Equal(("effectiveOn", "change-before-approval"), (violation.Field, violation.Code));
    }

    [Fact]
    public void An_amendment_taking_effect_on_the_day_of_approval_is_accepted()
    {
        var protocol = IrbProtocol.Create(Approval());

        Assert.Equal(ApprovedOn, ManageIrbProtocol.Amend(protocol, Amendment(protocol, ApprovedOn), Existing).EffectiveOn);
    }

    [Fact]
    public void Amended_terms_are_checked_from_the_amendment_date_like_approved_ones()
    {
        var protocol = IrbProtocol.Create(Approval());
        var unknown = Guid.NewGuid();
        var amended = Amendment(protocol, Day(2024, 6, 1), expires: Day(2024, 3, 1), covered: [Ehr, unknown, Ehr]);

        var violations = Refused.Violations(() => ManageIrbProtocol.Amend(protocol, amended, Existing));

        Assert.Equal(
            [("terms.expiresOn", "expiry-before-approval"), ("terms.coveredDatasetIds[1]", "unknown-dataset"), ("terms.coveredDatasetIds", "duplicate-dataset")],
            violations.Select(v => (v.Field, v.Code)));
    }
}
