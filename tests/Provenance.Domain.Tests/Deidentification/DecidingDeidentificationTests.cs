using Provenance.Domain.Deidentification;
using Provenance.Domain.Tests.Clearance;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Deidentification;

public sealed class DecidingDeidentificationTests
{
    private static readonly DateTimeOffset DecidedAt = new(2024, 2, 1, 9, 0, 0, TimeSpan.Zero);

    // A dataset with version 1 (and one approved Safe Harbor decision on it).
    private static (Scenario Ledger, Guid Id) Given()
    {
        var ledger = new Scenario();
        return (ledger, ledger.Dataset());
    }

    private static SafeHarborDetails SafeHarborWithout(params SafeHarborIdentifier[] missing) => new(
        Enum.GetValues<SafeHarborIdentifier>().Except(missing).Select(i => new IdentifierDisposition(i, IdentifierTreatment.Removed)).ToList(),
        NoActualKnowledge: true);

    private static ExpertDeterminationDetails Expert(decimal risk = 0.01m, decimal threshold = 0.05m, DateOnly? determinedOn = null, DateOnly? expiresOn = null) =>
        new("Dr. Ada Stone", "PhD biostatistics", "RPT-2024-07", new string('e', 64), determinedOn ?? Day(2024, 1, 15), risk, threshold,
            ["recipient: partner only", "no linkage"], expiresOn);

    private static DeidentificationDecided Decision(Guid id, DeidentificationMethod method, DecisionOutcome outcome = DecisionOutcome.Approved, int version = 1) =>
        With(new DeidentificationDecided(id, version, Guid.NewGuid(), method, null, null, null, null, outcome, "privacy officer", DecidedAt), method);

    // Adds the details block that belongs to a method.
    private static DeidentificationDecided With(DeidentificationDecided decision, DeidentificationMethod block) => block switch
    {
        DeidentificationMethod.SafeHarbor => decision with { SafeHarbor = SafeHarborWithout() },
        DeidentificationMethod.ExpertDetermination => decision with { ExpertDetermination = Expert() },
        DeidentificationMethod.LimitedDataSet => decision with { LimitedDataSet = new LimitedDataSetDetails("DUA-2024-003") },
        _ => decision with { NotPhi = new NotPhiDetails("synthetic data from a generator with no patient input") },
    };

    [Theory]
    [InlineData(DeidentificationMethod.SafeHarbor)]
    [InlineData(DeidentificationMethod.ExpertDetermination)]
    [InlineData(DeidentificationMethod.LimitedDataSet)]
    [InlineData(DeidentificationMethod.NotPhi)]
    public void A_decision_with_the_details_of_its_method_is_recorded_as_made(DeidentificationMethod method)
    {
        var (ledger, id) = Given();
        var decision = Decision(id, method);

        Assert.Same(decision, DecideDeidentification.Decide(ledger[id], decision));
    }

    [Theory]
    [InlineData(DeidentificationMethod.SafeHarbor, "safeHarbor")]
    [InlineData(DeidentificationMethod.ExpertDetermination, "expertDetermination")]
    [InlineData(DeidentificationMethod.LimitedDataSet, "limitedDataSet")]
    [InlineData(DeidentificationMethod.NotPhi, "notPhi")]
    public void A_decision_without_the_details_of_its_method_is_rejected(DeidentificationMethod method, string field)
    {
        var (ledger, id) = Given();
        var decision = Decision(id, method) with { SafeHarbor = null, ExpertDetermination = null, LimitedDataSet = null, NotPhi = null };

        var violation = Refused.Single(() => DecideDeidentification.Decide(ledger[id], decision));

        Assert.Equal((field, "details-missing"), (violation.Field, violation.Code));
    }

    [Theory]
    [InlineData(DeidentificationMethod.LimitedDataSet, DeidentificationMethod.SafeHarbor, "safeHarbor")]
    [InlineData(DeidentificationMethod.SafeHarbor, DeidentificationMethod.ExpertDetermination, "expertDetermination")]
    [InlineData(DeidentificationMethod.SafeHarbor, DeidentificationMethod.LimitedDataSet, "limitedDataSet")]
    [InlineData(DeidentificationMethod.SafeHarbor, DeidentificationMethod.NotPhi, "notPhi")]
    public void Details_of_another_method_are_rejected(DeidentificationMethod method, DeidentificationMethod foreign, string field)
    {
        var (ledger, id) = Given();
        var decision = With(Decision(id, method), foreign);

        var violation = Refused.Single(() => DecideDeidentification.Decide(ledger[id], decision));

        Assert.Equal((field, "details-mismatch"), (violation.Field, violation.Code));
    }

    [Fact]
    public void An_approved_safe_harbor_decision_must_account_for_all_18_identifiers()
    {
        var (ledger, id) = Given();
        var decision = Decision(id, DeidentificationMethod.SafeHarbor) with
        {
            SafeHarbor = SafeHarborWithout(SafeHarborIdentifier.Urls, SafeHarborIdentifier.IpAddresses),
        };

        var violation = Refused.Single(() => DecideDeidentification.Decide(ledger[id], decision));

        Assert.Equal(("safeHarbor.identifiers", "identifiers-missing"), (violation.Field, violation.Code));
        Assert.EndsWith("missing: urls, ip-addresses.", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_approved_safe_harbor_decision_needs_the_no_actual_knowledge_attestation()
    {
        var (ledger, id) = Given();
        var decision = Decision(id, DeidentificationMethod.SafeHarbor) with { SafeHarbor = SafeHarborWithout() with { NoActualKnowledge = false } };

        var violation = Refused.Single(() => DecideDeidentification.Decide(ledger[id], decision));

        Assert.Equal(("safeHarbor.noActualKnowledge", "actual-knowledge"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_rejected_safe_harbor_decision_needs_neither_every_identifier_nor_the_attestation()
    {
        var (ledger, id) = Given();
        var decision = Decision(id, DeidentificationMethod.SafeHarbor, DecisionOutcome.Rejected) with
        {
            SafeHarbor = new SafeHarborDetails([new IdentifierDisposition(SafeHarborIdentifier.Dates, IdentifierTreatment.Generalized)], false),
        };

        Assert.Same(decision, DecideDeidentification.Decide(ledger[id], decision));
    }

    [Fact]
    public void An_identifier_listed_twice_is_rejected_even_in_a_rejection()
    {
        var (ledger, id) = Given();
        var twice = SafeHarborWithout() with
        {
            Identifiers = [.. SafeHarborWithout().Identifiers, new IdentifierDisposition(SafeHarborIdentifier.Dates, IdentifierTreatment.Generalized)],
        };
        var decision = Decision(id, DeidentificationMethod.SafeHarbor, DecisionOutcome.Rejected) with { SafeHarbor = twice };

        var violation = Refused.Single(() => DecideDeidentification.Decide(ledger[id], decision));

        Assert.Equal(("safeHarbor.identifiers", "identifier-listed-twice"), (violation.Field, violation.Code));
        Assert.Equal("Listed more than once: dates.", violation.Reason);
    }

    [Theory]
    [InlineData(-0.01, 0.05)]
    [InlineData(1.01, 0.05)]
    [InlineData(0.01, 0)]
    [InlineData(0.01, -0.05)]
    [InlineData(0.01, 1.01)]
    public void Risk_estimate_and_threshold_must_be_probabilities_with_a_positive_threshold(double risk, double threshold)
    {
        var (ledger, id) = Given();
        var decision = Decision(id, DeidentificationMethod.ExpertDetermination, DecisionOutcome.Rejected) with
        {
            ExpertDetermination = Expert((decimal)risk, (decimal)threshold),
        };

        var violation = Refused.Single(() => DecideDeidentification.Decide(ledger[id], decision));

        Assert.Equal(("expertDetermination.riskEstimate", "risk-out-of-range"), (violation.Field, violation.Code));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.05, 0.05)]
    public void A_risk_at_or_below_the_threshold_can_be_approved(double risk, double threshold)
    {
        var (ledger, id) = Given();
        var decision = Decision(id, DeidentificationMethod.ExpertDetermination) with { ExpertDetermination = Expert((decimal)risk, (decimal)threshold) };

        Assert.Same(decision, DecideDeidentification.Decide(ledger[id], decision));
    }

    [Fact]
    public void A_risk_above_the_threshold_cannot_be_approved()
    {
        var (ledger, id) = Given();
        var decision = Decision(id, DeidentificationMethod.ExpertDetermination) with { ExpertDetermination = Expert(0.09m, 0.05m) };

        var violation = Refused.Single(() => DecideDeidentification.Decide(ledger[id], decision));

        Assert.Equal(("expertDetermination.riskEstimate", "risk-above-threshold"), (violation.Field, violation.Code));
        Assert.Contains("exceeds the expert's threshold", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_risk_above_the_threshold_can_be_rejected()
    {
        var (ledger, id) = Given();
        var decision = Decision(id, DeidentificationMethod.ExpertDetermination, DecisionOutcome.Rejected) with { ExpertDetermination = Expert(0.09m, 0.05m) };

        Assert.Same(decision, DecideDeidentification.Decide(ledger[id], decision));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_determination_expiring_on_or_before_the_day_it_was_made_is_rejected(int daysAfterDetermination)
    {
        var (ledger, id) = Given();
        var determined = Day(2024, 1, 15);
        var decision = Decision(id, DeidentificationMethod.ExpertDetermination) with
        {
            ExpertDetermination = Expert(determinedOn: determined, expiresOn: determined.AddDays(daysAfterDetermination)),
        };

        var violation = Refused.Single(() => DecideDeidentification.Decide(ledger[id], decision));

        Assert.Equal(("expertDetermination.expiresOn", "expiry-before-determination"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_determination_dated_after_the_decision_is_rejected()
    {
        var (ledger, id) = Given();
        var decision = Decision(id, DeidentificationMethod.ExpertDetermination) with { ExpertDetermination = Expert(determinedOn: Day(2024, 2, 2)) };

        var violation = Refused.Single(() => DecideDeidentification.Decide(ledger[id], decision));

        Assert.Equal(("expertDetermination.determinedOn", "determination-after-decision"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_determination_made_on_the_day_of_the_decision_in_utc_is_accepted()
    {
        var (ledger, id) = Given();
        var lateEveningInSydney = new DateTimeOffset(2024, 2, 2, 5, 0, 0, TimeSpan.FromHours(10)); // 2024-02-01 19:00 UTC
        var decision = Decision(id, DeidentificationMethod.ExpertDetermination) with { ExpertDetermination = Expert(determinedOn: Day(2024, 2, 1)) };

        Assert.Same(decision, DecideDeidentification.Decide(ledger[id], decision));
        Assert.Equal(["determination-after-decision"], Refused.Codes(() => DecideDeidentification.Decide(ledger[id],
            decision with { DecidedAt = lateEveningInSydney, ExpertDetermination = Expert(determinedOn: Day(2024, 2, 2)) })));
    }

    [Fact]
    public void A_decision_on_an_unknown_version_is_rejected()
    {
        var (ledger, id) = Given();

        var violation = Refused.Single(() => DecideDeidentification.Decide(ledger[id], Decision(id, DeidentificationMethod.NotPhi, version: 2)));

        Assert.Equal(("version", "unknown-version"), (violation.Field, violation.Code));
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once()
    {
        var (ledger, id) = Given();
        var decision = Decision(id, DeidentificationMethod.ExpertDetermination, version: 9) with
        {
            ExpertDetermination = Expert(risk: 2m, determinedOn: Day(2024, 3, 1), expiresOn: Day(2024, 3, 1)),
            NotPhi = new NotPhiDetails("public"),
        };

        var codes = Refused.Codes(() => DecideDeidentification.Decide(ledger[id], decision));

        Assert.Equal(
            ["details-mismatch", "determination-after-decision", "expiry-before-determination", "risk-out-of-range", "unknown-version"],
            codes.Order(StringComparer.Ordinal));
    }
}
