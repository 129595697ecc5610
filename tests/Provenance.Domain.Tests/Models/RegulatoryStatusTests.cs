using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
using Provenance.Domain.Tests.Clearance;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Models;

/// <summary>A model's regulatory status and PCCPs (#18): what may be claimed, and which record is in effect.</summary>
public sealed class RegulatoryStatusTests
{
    private readonly Scenario _ledger = new();

    [Fact]
    public void A_non_device_cds_claim_needs_all_four_criteria_attested()
    {
        var model = new ModelFacts(_ledger).Registered();

        var violations = Refused.Violations(() => ManageRegulatory.RecordStatus(model.State, ModelFacts.Cds(model.ModelId, 2), new Dictionary<Guid, Dataset>()));

        Assert.Equal(["cds-criterion-missing", "cds-criterion-missing", "cds-criterion-missing"], violations.Select(v => v.Code));
        Assert.Contains(violations, v => v.Reason.StartsWith("Criterion 1 ", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Reason.StartsWith("Criterion 4 ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_non_device_cds_claim_with_all_four_criteria_is_recorded()
    {
        var model = new ModelFacts(_ledger).Registered();
        var claim = ModelFacts.Cds(model.ModelId, 1, 2, 3, 4);

        Assert.Same(claim, ManageRegulatory.RecordStatus(model.State, claim, new Dictionary<Guid, Dataset>()));
    }

    [Theory]
    [InlineData(Modality.ImagingCt)]
    [InlineData(Modality.EcgWaveforms)]
    [InlineData(Modality.PathologySlides)]
    public void A_model_trained_on_images_or_signals_cannot_claim_criterion_1(Modality modality)
    {
        var scans = _ledger.Dataset("Scans", modality: modality);
        var model = new ModelFacts(_ledger).Registered().Trained("1.0", Day(2024, 1, 20), new DatasetVersionRef(scans, 1));

        var violation = Refused.Single(() => ManageRegulatory.RecordStatus(model.State, ModelFacts.Cds(model.ModelId, 1, 2, 3, 4), _ledger.Facts.Datasets));

        Assert.Equal("cds-criterion-1-not-met", violation.Code);
        Assert.Contains("Scans", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_device_cds_model_cannot_then_train_on_images()
    {
        var scans = _ledger.Dataset("Scans", modality: Modality.ImagingMri);
        _ledger.Irb("IRB-1", [scans]);
        var model = new ModelFacts(_ledger).Registered().Apply(ModelFacts.Cds(Guid.Empty, 1, 2, 3, 4));

        var violation = Refused.Single(() => ManageModel.RecordTrainingRun(model.State, model.Run("1.0", Day(2024, 3, 1), new DatasetVersionRef(scans, 1)), null, _ledger.Facts));

        Assert.Equal(("inputs", "cds-criterion-1-not-met"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_device_status_cannot_take_effect_before_the_fdas_decision()
    {
        var model = new ModelFacts(_ledger).Registered();
        var record = ModelFacts.Device(model.ModelId, effective: ModelFacts.Authorized.AddDays(-1));

        Assert.Equal("effective-before-decision", Refused.Single(() => ManageRegulatory.RecordStatus(model.State, record, new Dictionary<Guid, Dataset>())).Code);
    }

    [Fact]
    public void The_status_in_effect_is_the_latest_record_effective_on_the_day_and_a_later_record_supersedes_it()
    {
        var notDevice = new RegulatoryStatusRecorded(Guid.Empty, Guid.NewGuid(), RegulatoryStatusKind.NotADevice, Day(2023, 1, 1), null, null, "research use only", null, "r", Start);
        var device = ModelFacts.Device(Guid.Empty);
        // Recorded later, but effective earlier than the device record: the device record still wins from its date.
        var discretion = new RegulatoryStatusRecorded(Guid.Empty, Guid.NewGuid(), RegulatoryStatusKind.EnforcementDiscretion, Day(2023, 6, 1), null, null, "FDA letter", null, "r", Start);
        var model = new ModelFacts(_ledger).Registered().Apply(notDevice).Apply(device).Apply(discretion).State;

        Assert.Null(model.RegulatoryStatusOn(Day(2022, 12, 31)));
        Assert.Same(notDevice, model.RegulatoryStatusOn(Day(2023, 5, 31)));
        Assert.Same(discretion, model.RegulatoryStatusOn(Day(2023, 6, 1)));
        Assert.Same(device, model.RegulatoryStatusOn(ModelFacts.Authorized));
    }

    [Fact]
    public void A_plan_is_authorized_only_for_a_marketed_device()
    {
        var model = new ModelFacts(_ledger).Registered();

        var codes = Refused.Codes(() => ManageRegulatory.AuthorizePlan(model.State, ModelFacts.Plan(model.ModelId, [], [])));

        Assert.Equal(["pccp-not-a-device", "pccp-unknown-submission"], codes);
    }

    [Fact]
    public void A_plan_names_a_submission_of_the_devices_records()
    {
        var model = new ModelFacts(_ledger).Registered().Apply(ModelFacts.Device(Guid.Empty));
        var plan = ModelFacts.Plan(model.ModelId, [], []) with { SubmissionNumber = "K999999" };

        Assert.Equal("pccp-unknown-submission", Refused.Single(() => ManageRegulatory.AuthorizePlan(model.State, plan)).Code);
        var named = plan with { SubmissionNumber = "K240001" };
        Assert.Same(named, ManageRegulatory.AuthorizePlan(model.State, named));
    }
}
