using Provenance.Domain.Common;
using Provenance.Domain.Consent;
using Provenance.Domain.Datasets;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Irb;
using Provenance.Domain.Licenses;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Clearance;

public sealed class ClearanceRulesTests
{
    private static readonly DateOnly TrainingDay = Day(2024, 3, 13);

    private static (Scenario Ledger, Guid Id) Cleared()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        ledger.Irb("21-004512", [id]);
        return (ledger, id);
    }

    private static string[] Codes(Provenance.Domain.Clearance.ClearanceResult result) => result.Findings.Select(f => f.Code).ToArray();

    [Fact]
    public void A_version_with_deidentification_irb_and_license_is_cleared()
    {
        var (ledger, id) = Cleared();

        var result = ledger.Judge(id, 1, TrainingDay);

        Assert.True(result.Cleared, string.Join(" | ", result.Findings.Select(f => f.Message)));
    }

    [Fact]
    public void Without_a_deidentification_decision_a_version_is_not_cleared()
    {
        var (ledger, id) = Cleared();
        ledger.AddVersion(id);

        Assert.Equal(["deidentification-missing"], Codes(ledger.Judge(id, 2, TrainingDay)));
    }

    [Fact]
    public void A_rejected_deidentification_decision_does_not_clear()
    {
        var (ledger, id) = Cleared();
        var version = ledger.AddVersion(id);
        ledger.Apply(id, SafeHarbor(id, version, Start, DecisionOutcome.Rejected));

        Assert.Equal(["deidentification-rejected"], Codes(ledger.Judge(id, version, TrainingDay)));
    }

    [Fact]
    public void A_rescinded_decision_clears_before_the_rescission_and_not_after()
    {
        var (ledger, id) = Cleared();
        var decision = ledger[id].Decisions[0].Decided;
        ledger.Apply(id, new DeidentificationRescinded(id, decision.DecisionId, "dates left in notes", "privacy officer", At(Day(2024, 3, 1))));

        Assert.True(ledger.Judge(id, 1, Day(2024, 2, 28)).Cleared);
        var later = ledger.Judge(id, 1, TrainingDay);
        Assert.Equal(["deidentification-rescinded"], Codes(later));
        Assert.Contains("2024-03-01", later.Findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_expert_determination_does_not_clear()
    {
        var (ledger, id) = Cleared();
        var version = ledger.AddVersion(id);
        ledger.Apply(id, new DeidentificationDecided(id, version, Guid.NewGuid(), DeidentificationMethod.ExpertDetermination, null,
            new ExpertDeterminationDetails("Dr. Expert", "PhD biostatistics", "RPT-9", null, Day(2023, 1, 1), 0.01m, 0.05m, ["no linkage"], Day(2024, 1, 1)),
            null, null, DecisionOutcome.Approved, "privacy officer", Start));

        var result = ledger.Judge(id, version, TrainingDay);

        Assert.Equal(["deidentification-expired"], Codes(result));
        Assert.Contains("72 days before 2024-03-13", result.Findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_limited_data_set_needs_a_data_use_agreement_in_force()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        ledger.Irb("1", [id]);
        var version = ledger.AddVersion(id);
        ledger.Apply(id, new DeidentificationDecided(id, version, Guid.NewGuid(), DeidentificationMethod.LimitedDataSet, null, null,
            new LimitedDataSetDetails("DUA-7"), null, DecisionOutcome.Approved, "privacy officer", Start));
        Assert.True(ledger.Judge(id, version, TrainingDay).Cleared);

        var license = ledger[id].Licenses[0].Granted;
        ledger.Apply(id, new LicenseTerminated(id, license.LicenseId, Day(2024, 2, 1), "ended", "steward", Start));
        ledger.Apply(id, License(id, [PermittedUse.ModelTraining], kind: LicenseKind.Spdx));

        Assert.Equal(["limited-data-set-without-dua"], Codes(ledger.Judge(id, version, TrainingDay)));
    }

    [Fact]
    public void Without_any_irb_protocol_a_version_is_not_cleared()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();

        Assert.Equal(["irb-missing"], Codes(ledger.Judge(id, 1, TrainingDay)));
    }

    [Fact]
    public void An_expired_irb_approval_reports_how_long_before_training_it_expired()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        ledger.Irb("21-004512", [id], expires: Day(2024, 3, 1));

        var result = ledger.Judge(id, 1, TrainingDay);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("irb-expired", finding.Code);
        Assert.Equal("IRB protocol 21-004512 expired 2024-03-01, 12 days before 2024-03-13.", finding.Message);
        Assert.True(ledger.Judge(id, 1, Day(2024, 3, 1)).Cleared);
    }

    [Fact]
    public void A_suspension_blocks_clearance_until_reinstatement()
    {
        var (ledger, id) = Cleared();
        var protocol = ledger.Protocol("21-004512");
        ledger.ChangeIrb(protocol, new IrbProtocolSuspended(protocol.Id, Day(2024, 2, 1), "noncompliance review", "irb", Start));
        ledger.ChangeIrb(ledger.Protocol("21-004512"), new IrbProtocolReinstated(protocol.Id, Day(2024, 3, 20), "resolved", "irb", Start));

        Assert.True(ledger.Judge(id, 1, Day(2024, 1, 31)).Cleared);
        Assert.Equal(["irb-suspended"], Codes(ledger.Judge(id, 1, TrainingDay)));
        Assert.True(ledger.Judge(id, 1, Day(2024, 3, 20)).Cleared);
    }

    [Theory]
    [InlineData("terminated")]
    [InlineData("closed")]
    public void A_terminated_or_closed_protocol_does_not_cover_from_that_day(string how)
    {
        var (ledger, id) = Cleared();
        var protocol = ledger.Protocol("21-004512");
        object change = how == "terminated"
            ? new IrbProtocolTerminated(protocol.Id, Day(2024, 3, 1), "serious noncompliance", "irb", Start)
            : new IrbProtocolClosed(protocol.Id, Day(2024, 3, 1), "study complete", "irb", Start);
        ledger.ChangeIrb(protocol, change);

        Assert.Equal([$"irb-{how}"], Codes(ledger.Judge(id, 1, TrainingDay)));
    }

    [Fact]
    public void An_irb_approval_that_does_not_permit_model_training_does_not_clear()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        ledger.Irb("1", [id], uses: [PermittedUse.Research]);

        Assert.Equal(["irb-use-not-permitted"], Codes(ledger.Judge(id, 1, TrainingDay)));
    }

    [Fact]
    public void An_irb_approval_granted_after_the_day_does_not_clear_it()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        ledger.Irb("1", [id], approved: Day(2024, 4, 1));

        Assert.Equal(["irb-not-yet-approved"], Codes(ledger.Judge(id, 1, TrainingDay)));
    }

    [Fact]
    public void An_amendment_adding_a_dataset_covers_it_from_its_effective_date()
    {
        var ledger = new Scenario();
        var first = ledger.Dataset("A");
        var second = ledger.Dataset("B");
        var protocol = ledger.Irb("1", [first]);
        ledger.ChangeIrb(protocol, new IrbProtocolAmended(protocol.Id, Day(2024, 3, 1),
            new IrbTerms(null, [PermittedUse.ModelTraining], [first, second]), "add dataset B", "irb", Start));

        Assert.Equal(["irb-not-covering"], Codes(ledger.Judge(second, 1, Day(2024, 2, 1))));
        Assert.True(ledger.Judge(second, 1, TrainingDay).Cleared);
    }

    [Fact]
    public void One_valid_protocol_is_enough_when_another_has_lapsed()
    {
        var (ledger, id) = Cleared();
        ledger.Irb("old", [id], expires: Day(2023, 12, 31));

        Assert.True(ledger.Judge(id, 1, TrainingDay).Cleared);
    }

    [Fact]
    public void An_exempt_determination_covers_a_dataset()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        ledger.Irb("EX-1", [id], review: ReviewType.Exempt);

        Assert.True(ledger.Judge(id, 1, TrainingDay).Cleared);
    }

    [Fact]
    public void Without_a_license_a_version_is_not_cleared()
    {
        var (ledger, id) = Cleared();
        ledger.Apply(id, new LicenseTerminated(id, ledger[id].Licenses[0].Granted.LicenseId, Day(2024, 1, 1), "ended", "steward", Start));

        Assert.Equal(["license-terminated"], Codes(ledger.Judge(id, 1, TrainingDay)));
    }

    [Fact]
    public void A_research_only_license_does_not_permit_training()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        ledger.Irb("1", [id]);
        ledger.Apply(id, new LicenseTerminated(id, ledger[id].Licenses[0].Granted.LicenseId, Day(2023, 1, 1), "replaced", "steward", Start));
        ledger.Apply(id, License(id, [PermittedUse.Research]));

        Assert.Contains("license-use-not-permitted", Codes(ledger.Judge(id, 1, TrainingDay)));
    }

    [Fact]
    public void A_commercial_model_needs_a_license_permitting_commercial_use()
    {
        var (ledger, id) = Cleared();

        Assert.Equal(["license-commercial-not-permitted"], Codes(ledger.Judge(id, 1, TrainingDay, commercial: true)));

        ledger.Apply(id, License(id, [PermittedUse.ModelTraining, PermittedUse.CommercialUse]));
        Assert.True(ledger.Judge(id, 1, TrainingDay, commercial: true).Cleared);
    }

    [Fact]
    public void An_expired_license_does_not_clear()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        ledger.Irb("1", [id]);
        ledger.Apply(id, new LicenseAmended(id, ledger[id].Licenses[0].Granted.LicenseId, Day(2023, 6, 1),
            new LicenseTerms([PermittedUse.ModelTraining], [], Day(2024, 1, 31), "DUA-7a", new string('c', 64)), "shortened", "steward", Start));

        Assert.Equal(["license-expired"], Codes(ledger.Judge(id, 1, TrainingDay)));
        Assert.True(ledger.Judge(id, 1, Day(2024, 1, 31)).Cleared);
    }

    [Fact]
    public void A_quarantined_version_is_not_cleared_while_in_quarantine()
    {
        var (ledger, id) = Cleared();
        ledger.Quarantine(id, 1, Day(2024, 3, 1), Day(2024, 4, 1));

        Assert.True(ledger.Judge(id, 1, Day(2024, 2, 29)).Cleared);
        Assert.Equal(["version-quarantined"], Codes(ledger.Judge(id, 1, TrainingDay)));
        Assert.True(ledger.Judge(id, 1, Day(2024, 4, 1)).Cleared);
    }

    [Fact]
    public void A_retired_dataset_is_not_cleared_from_its_retirement()
    {
        var (ledger, id) = Cleared();
        ledger.Retire(id, Day(2024, 3, 1));

        Assert.True(ledger.Judge(id, 1, Day(2024, 2, 29)).Cleared);
        Assert.Equal(["dataset-retired"], Codes(ledger.Judge(id, 1, TrainingDay)));
    }

    [Fact]
    public void A_consent_withdrawal_requiring_exclusion_blocks_training_from_its_effective_date()
    {
        var (ledger, id) = Cleared();
        ledger.WithdrawConsent(id, 1, Day(2024, 3, 1), ConsentAction.ExcludeFromFutureTraining);

        Assert.True(ledger.Judge(id, 1, Day(2024, 2, 29)).Cleared);
        var result = ledger.Judge(id, 1, TrainingDay);
        Assert.Equal(["consent-withdrawn"], Codes(result));
        Assert.StartsWith("12 subject(s)", result.Findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_derived_version_is_not_cleared_when_a_parent_is_not()
    {
        var ledger = new Scenario();
        var raw = ledger.Dataset("raw notes");
        var curated = ledger.Dataset("curated notes", [new DatasetVersionRef(raw, 1)]);
        ledger.Irb("1", [raw, curated]);
        Assert.True(ledger.Judge(curated, 1, TrainingDay).Cleared);

        ledger.Quarantine(raw, 1, Day(2024, 3, 1), null);

        var result = ledger.Judge(curated, 1, TrainingDay);
        Assert.Equal(["parent-not-cleared", "version-quarantined"], Codes(result));
        Assert.Equal(raw, result.Findings[1].Version.DatasetId);
    }

    [Fact]
    public void A_diamond_reports_a_shared_ancestor_once()
    {
        var ledger = new Scenario();
        var root = ledger.Dataset("root");
        var left = ledger.Dataset("left", [new(root, 1)]);
        var right = ledger.Dataset("right", [new(root, 1)]);
        var merged = ledger.Dataset("merged", [new(left, 1), new(right, 1)]);
        ledger.Irb("1", [root, left, right, merged]);
        ledger.Quarantine(root, 1, Day(2024, 1, 1), null);

        var result = ledger.Judge(merged, 1, TrainingDay);

        Assert.Single(result.Findings, f => f.Code == "version-quarantined");
        Assert.Equal(2, result.Findings.Count(f => f.Code == "parent-not-cleared" && f.Version.DatasetId != merged) + 0);
    }

    [Fact]
    public void A_depth_20_chain_is_judged_through_every_ancestor()
    {
        var ledger = new Scenario();
        var ids = new List<Guid> { ledger.Dataset("level 0") };
        for (var level = 1; level < 20; level++)
        {
            ids.Add(ledger.Dataset($"level {level}", [new(ids[^1], 1)]));
        }

        ledger.Irb("1", ids);
        Assert.True(ledger.Judge(ids[^1], 1, TrainingDay).Cleared);

        ledger.Retire(ids[0], Day(2024, 1, 1));
        var result = ledger.Judge(ids[^1], 1, TrainingDay);

        Assert.Equal(19, result.Findings.Count(f => f.Code == "parent-not-cleared"));
        Assert.Single(result.Findings, f => f.Code == "dataset-retired");
    }
}

public sealed class DeidentificationStepTests
{
    [Fact]
    public void The_raw_parent_of_a_deidentification_step_needs_no_decision_of_its_own_but_still_needs_irb_and_license()
    {
        var ledger = new Scenario();
        var raw = ledger.Dataset("raw EHR");
        var curated = ledger.Dataset("de-identified EHR");
        var version = ledger.AddVersion(curated);
        ledger.Apply(curated, new Provenance.Domain.Datasets.ContributingVersion.DatasetVersionDerived(curated, version, [new(raw, 1)],
            Provenance.Domain.Datasets.ContributingVersion.TransformationKind.Deidentification, "", "git:x", "steward", Scenario.Start));
        ledger.Apply(curated, Scenario.SafeHarbor(curated, version, Scenario.Start));
        ledger.Apply(raw, new Provenance.Domain.Deidentification.DeidentificationRescinded(raw, ledger[raw].Decisions[0].Decided.DecisionId, "raw data is PHI", "po", Scenario.Start));
        ledger.Irb("1", [raw, curated]);
        var day = Scenario.Day(2024, 3, 13);

        Assert.True(ledger.Judge(curated, version, day).Cleared);
        Assert.Equal(["deidentification-rescinded"], ledger.Judge(raw, 1, day).Findings.Select(f => f.Code));

        ledger.Apply(raw, new Provenance.Domain.Licenses.LicenseTerminated(raw, ledger[raw].Licenses[0].Granted.LicenseId, Scenario.Day(2024, 1, 1), "ended", "s", Scenario.Start));
        Assert.Equal(["parent-not-cleared", "license-terminated"], ledger.Judge(curated, version, day).Findings.Select(f => f.Code));
    }
}

public sealed class ClearanceJudgeTests
{
    [Fact]
    public void A_judge_remembering_verdicts_agrees_with_judging_each_version_alone()
    {
        var ledger = new Scenario();
        var root = ledger.Dataset("root");
        var left = ledger.Dataset("left", [new(root, 1)]);
        var right = ledger.Dataset("right", [new(root, 1)]);
        ledger.Irb("1", [root, left]);
        ledger.Quarantine(root, 1, Scenario.Day(2024, 3, 1), null);
        var judge = new Provenance.Domain.Clearance.ClearanceRules.Judge(ledger.Facts, commercialUse: false);

        foreach (var id in new[] { root, left, right, root })
        {
            foreach (var day in new[] { Scenario.Day(2024, 2, 1), Scenario.Day(2024, 3, 13) })
            {
                Assert.Equal(ledger.Judge(id, 1, day).Findings, judge.Evaluate(new(id, 1), day).Findings);
            }
        }
    }
}
