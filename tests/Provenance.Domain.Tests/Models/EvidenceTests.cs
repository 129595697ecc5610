using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
using Provenance.Domain.Tests.Clearance;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Models;

/// <summary>A model version's evidence (#18): evaluations held-out or flagged, monitoring after release, model card facts.</summary>
public sealed class EvidenceTests
{
    private readonly Scenario _ledger = new();
    private readonly ModelFacts _model;
    private readonly Guid _train;
    private readonly Guid _test;

    public EvidenceTests()
    {
        _train = _ledger.Dataset("Training EHR");
        _test = _ledger.Dataset("External EHR", institution: "Mercy");
        _model = new ModelFacts(_ledger).Registered().Trained("1.0", Day(2024, 2, 1), new DatasetVersionRef(_train, 1));
    }

    private PerformanceEvaluated Evaluate(PerformanceEvaluated evaluation) =>
        ManageEvidence.Evaluate(_model.State, evaluation, _ledger[evaluation.Data.DatasetId]);

    [Fact]
    public void An_evaluation_on_data_the_version_trained_on_is_refused_as_not_held_out()
    {
        var violation = Refused.Single(() => Evaluate(_model.Evaluation("1.0", new DatasetVersionRef(_train, 1), source: EvaluationSource.Internal)));

        Assert.Equal(("data", "not-held-out"), (violation.Field, violation.Code));
    }

    [Fact]
    public void An_internal_evaluation_on_training_data_may_be_recorded_flagged_as_not_held_out()
    {
        var evaluation = Evaluate(_model.Evaluation("1.0", new DatasetVersionRef(_train, 1), heldOut: false, source: EvaluationSource.Internal));

        Assert.False(evaluation.HeldOut);
    }

    [Fact]
    public void An_external_evaluation_cannot_be_on_training_data()
    {
        Assert.Equal("external-not-held-out",
            Refused.Single(() => Evaluate(_model.Evaluation("1.0", new DatasetVersionRef(_train, 1), heldOut: false))).Code);
    }

    [Fact]
    public void An_evaluation_on_data_the_version_did_not_train_on_cannot_be_flagged_as_not_held_out()
    {
        Assert.Equal("held-out-denied", Refused.Single(() => Evaluate(_model.Evaluation("1.0", new DatasetVersionRef(_test, 1), heldOut: false))).Code);
    }

    [Fact]
    public void The_ledger_decides_whether_the_threshold_was_met()
    {
        var evaluation = _model.Evaluation("1.0", new DatasetVersionRef(_test, 1), value: 0.78) with
        {
            Acceptance = new AcceptanceCriterion("AUROC", "adults", 0.80, ThresholdDirection.AtLeast),
            Met = true,
        };

        Assert.False(Evaluate(evaluation).Met);
        Assert.True(Evaluate(evaluation with { Value = 0.81 }).Met);
        Assert.Null(Evaluate(evaluation with { Acceptance = null }).Met);
    }

    [Fact]
    public void An_evaluation_names_a_version_with_a_run_and_data_with_the_ledgers_fingerprint_and_a_value_inside_its_interval()
    {
        var evaluation = _model.Evaluation("2.0", new DatasetVersionRef(_test, 1)) with
        {
            Data = new EvaluationData(_test, 1, "sha256:" + new string('0', 64)),
            ConfidenceLow = 0.9,
            ConfidenceHigh = 0.95,
        };

        Assert.Equal(["unknown-model-version", "fingerprint-mismatch", "value-outside-interval"], Refused.Codes(() => Evaluate(evaluation)));
    }

    [Fact]
    public void A_monitoring_finding_follows_a_release()
    {
        var finding = new MonitoringFindingRecorded(_model.ModelId, Guid.NewGuid(), "1.0", MonitoringFindingKind.PerformanceDrift, FindingSeverity.Moderate,
            "AUROC fell to 0.76 at Mercy", "Retraining scheduled", Day(2024, 6, 1), "monitor", Start);

        Assert.Equal("not-released", Refused.Single(() => ManageEvidence.RecordFinding(_model.State, finding)).Code);
        _model.Apply(new ModelVersionReleased(_model.ModelId, "1.0", "", "admin", At(Day(2024, 5, 1))));
        Assert.Same(finding, ManageEvidence.RecordFinding(_model.State, finding));
    }

    [Fact]
    public void The_latest_model_card_facts_replace_the_earlier_ones()
    {
        var facts = CardFacts.Example;
        var first = new ModelCardFactsRecorded(_model.ModelId, "1.0", facts, "writer", Start);
        var second = first with { Facts = facts with { Summary = "Revised summary." } };

        Assert.Equal("unknown-model-version", Refused.Single(() => ManageEvidence.RecordCardFacts(_model.State, first with { ModelVersion = "9.9" })).Code);
        var state = _model.Apply(ManageEvidence.RecordCardFacts(_model.State, first)).Apply(ManageEvidence.RecordCardFacts(_model.State, second)).State;

        Assert.Equal("Revised summary.", state.Version("1.0")!.CardFacts!.Facts.Summary);
    }
}

internal static class CardFacts
{
    public static ModelCardFacts Example { get; } = new(
        "ai-governance@lakeshore.example", "Commercial", "United States", "Flags suspected lung nodules on chest CT.", ["radiology", "triage"],
        "Worklist triage", "Radiologists", "Review flagged studies first", "Adults 18+", "Pediatric CT", "Misses sub-4 mm nodules", "Lower sensitivity on low-dose CT",
        "Moderate", "A triage flag", "Convolutional neural network", null, "Input: DICOM CT; output: a flag", "Reweighting by site", "Quarterly drift review", null,
        "Company-funded", "Radiologists at two sites", "None yet");
}
