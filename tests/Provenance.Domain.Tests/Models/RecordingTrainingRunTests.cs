using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
using Provenance.Domain.Tests.Clearance;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Models;

public sealed class RecordingTrainingRunTests
{
    private static readonly DateOnly TrainingDay = Day(2024, 3, 13);
    private static readonly DateTimeOffset RunEntered = At(TrainingDay).AddHours(7);
    private static readonly ClearanceOverride AdminOverride = new("emergency sepsis retrain approved by the CMIO", "admin-kim", ByAdministrator: true);

    // A dataset cleared for training on the training day: de-identified, licensed and covered by an IRB.
    private static (Scenario Ledger, Guid Id) Cleared()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        ledger.Irb("21-004512", [id]);
        return (ledger, id);
    }

    private static Model SepsisModel(bool commercial = false) => Model.Fold(
        [new ModelRegistered(Guid.NewGuid(), "Sepsis early warning", "Lakeshore AI", "inpatient sepsis risk", commercial, "admin", Start)])!;

    private static TrainingInput Input(Scenario ledger, Guid id, int version = 1) => new(id, version, ledger[id].Version(version)!.Fingerprint);

    private static TrainingRunRecorded Run(Model model, params TrainingInput[] inputs) =>
        new(model.Id, Guid.NewGuid(), "1.0", inputs, At(TrainingDay), At(TrainingDay).AddHours(6), "git:9f8e7d", "baseline", "trainer", RunEntered);

    private static IReadOnlyList<ClearanceFinding> Findings(Scenario ledger, Guid id, bool commercial = false) =>
        ClearanceRules.Evaluate(new DatasetVersionRef(id, 1), TrainingDay, commercial, ledger.Facts).Findings;

    [Fact]
    public void A_run_whose_inputs_are_all_cleared_is_recorded_alone()
    {
        var (ledger, id) = Cleared();
        var model = SepsisModel();
        var run = Run(model, Input(ledger, id));

        Assert.Equal([run], ManageModel.RecordTrainingRun(model, run, null, ledger.Facts));
    }

    [Fact]
    public void A_cleared_run_records_no_override_even_when_one_is_offered()
    {
        var (ledger, id) = Cleared();
        var model = SepsisModel();
        var run = Run(model, Input(ledger, id));

        Assert.Equal([run], ManageModel.RecordTrainingRun(model, run, AdminOverride, ledger.Facts));
    }

    [Fact]
    public void A_run_that_finished_before_it_started_is_rejected()
    {
        var (ledger, id) = Cleared();
        var model = SepsisModel();
        var run = Run(model, Input(ledger, id)) with { FinishedAt = At(TrainingDay).AddMinutes(-1) };

        var violation = Refused.Single(() => ManageModel.RecordTrainingRun(model, run, null, ledger.Facts));

        Assert.Equal(("finishedAt", "finished-before-started"), (violation.Field, violation.Code));
    }

    [Theory]
    [InlineData(true, "released")]
    [InlineData(false, "withdrawn")]
    public void A_run_for_a_released_or_withdrawn_model_version_is_rejected(bool released, string status)
    {
        var (ledger, id) = Cleared();
        var trained = SepsisModel();
        var earlier = Run(trained, Input(ledger, id));
        var model = trained.Apply(earlier).Apply(released
            ? new ModelVersionReleased(trained.Id, "1.0", "GA", "admin", Start)
            : new ModelVersionWithdrawn(trained.Id, "1.0", "bias found", "admin", Start));

        var violation = Refused.Single(() => ManageModel.RecordTrainingRun(model, Run(model, Input(ledger, id)), null, ledger.Facts));

        Assert.Equal(("modelVersion", "model-version-closed"), (violation.Field, violation.Code));
        Assert.Contains($"already {status}", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_run_for_a_version_still_in_training_is_accepted()
    {
        var (ledger, id) = Cleared();
        var model = SepsisModel();
        model = model.Apply(Run(model, Input(ledger, id)));
        var second = Run(model, Input(ledger, id));

        Assert.Equal([second], ManageModel.RecordTrainingRun(model, second, null, ledger.Facts));
    }

    [Fact]
    public void A_dataset_version_listed_twice_is_rejected()
    {
        var (ledger, id) = Cleared();
        var model = SepsisModel();
        var run = Run(model, Input(ledger, id), Input(ledger, id));

        var violation = Refused.Single(() => ManageModel.RecordTrainingRun(model, run, null, ledger.Facts));

        Assert.Equal(("inputs", "duplicate-input"), (violation.Field, violation.Code));
    }

    [Fact]
    public void Inputs_naming_an_unknown_dataset_or_version_are_rejected_at_their_positions()
    {
        var (ledger, id) = Cleared();
        var model = SepsisModel();
        var run = Run(model, Input(ledger, id), new TrainingInput(Guid.NewGuid(), 1, "sha256:0"), Input(ledger, id) with { Version = 2 });

        var violations = Refused.Violations(() => ManageModel.RecordTrainingRun(model, run, null, ledger.Facts));

        Assert.Equal([("inputs[1]", "unknown-dataset-version"), ("inputs[2]", "unknown-dataset-version")], violations.Select(v => (v.Field, v.Code)));
    }

    [Fact]
    public void An_input_whose_fingerprint_differs_from_the_ledger_is_rejected()
    {
        var (ledger, id) = Cleared();
        var model = SepsisModel();
        var run = Run(model, Input(ledger, id) with { Fingerprint = "sha256:" + new string('f', 64) });

        var violation = Refused.Single(() => ManageModel.RecordTrainingRun(model, run, null, ledger.Facts));

        Assert.Equal(("inputs[0].fingerprint", "fingerprint-mismatch"), (violation.Field, violation.Code));
        Assert.Contains(ledger[id].Version(1)!.Fingerprint, violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_on_inputs_not_cleared_is_refused_with_the_clearance_findings()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        var model = SepsisModel();

        var violation = Refused.Single(() => ManageModel.RecordTrainingRun(model, Run(model, Input(ledger, id)), null, ledger.Facts));

        var finding = Assert.Single(Findings(ledger, id));
        Assert.Equal(new RuleViolation("inputs", "irb-missing", finding.Message), violation);
    }

    [Fact]
    public void Clearance_is_judged_on_the_day_the_run_started()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        ledger.Irb("21-004512", [id], approved: Day(2024, 3, 1));
        var model = SepsisModel();
        var run = Run(model, Input(ledger, id)) with { StartedAt = At(Day(2024, 2, 20)) };

        Assert.Equal(["irb-not-yet-approved"], Refused.Codes(() => ManageModel.RecordTrainingRun(model, run, null, ledger.Facts)));
    }

    [Fact]
    public void A_commercial_model_needs_inputs_licensed_for_commercial_use()
    {
        var (ledger, id) = Cleared();
        var model = SepsisModel(commercial: true);

        var codes = Refused.Codes(() => ManageModel.RecordTrainingRun(model, Run(model, Input(ledger, id)), null, ledger.Facts));

        Assert.Equal(["license-commercial-not-permitted"], codes);
    }

    [Fact]
    public void A_finding_shared_by_several_inputs_is_reported_once()
    {
        var ledger = new Scenario();
        var raw = ledger.Dataset("Raw EHR");
        var adults = ledger.Dataset("Adults", [new DatasetVersionRef(raw, 1)]);
        var children = ledger.Dataset("Children", [new DatasetVersionRef(raw, 1)]);
        ledger.Irb("21-004512", [adults, children]);
        var model = SepsisModel();
        var run = Run(model, Input(ledger, adults), Input(ledger, children));

        var codes = Refused.Codes(() => ManageModel.RecordTrainingRun(model, run, null, ledger.Facts));

        Assert.Equal(["parent-not-cleared", "irb-missing", "parent-not-cleared"], codes);
    }

    [Fact]
    public void An_administrator_may_override_the_findings_and_the_override_follows_the_run()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        var model = SepsisModel();
        var run = Run(model, Input(ledger, id));

        var events = ManageModel.RecordTrainingRun(model, run, AdminOverride, ledger.Facts);

        Assert.Equal(2, events.Count);
        Assert.Same(run, events[0]);
        var overridden = Assert.IsType<TrainingClearanceOverridden>(events[1]);
        Assert.Equal((model.Id, run.RunId, AdminOverride.Justification, "admin-kim", RunEntered),
            (overridden.ModelId, overridden.RunId, overridden.Justification, overridden.OverriddenBy, overridden.OverriddenAt));
        Assert.Equal(Findings(ledger, id), overridden.Findings);
        Assert.Equal(["irb-missing"], overridden.Findings.Select(f => f.Code));
    }

    [Fact]
    public void Only_an_administrator_may_override_the_findings()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        var model = SepsisModel();

        var violation = Refused.Single(() => ManageModel.RecordTrainingRun(
            model, Run(model, Input(ledger, id)), AdminOverride with { ByAdministrator = false }, ledger.Facts));

        Assert.Equal(("override", "override-not-permitted"), (violation.Field, violation.Code));
    }

    [Fact]
    public void An_override_does_not_excuse_a_broken_rule()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        var model = SepsisModel();
        var run = Run(model, Input(ledger, id) with { Fingerprint = "sha256:stale" });

        Assert.Equal(["fingerprint-mismatch"], Refused.Codes(() => ManageModel.RecordTrainingRun(model, run, AdminOverride, ledger.Facts)));
    }
}
