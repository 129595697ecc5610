using Provenance.Domain.Clearance;
using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
using Provenance.Domain.Tests.Clearance;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Models;

/// <summary>
/// Releasing a version of a marketed device (#18): within the marketing authorization, or with
/// every change since the authorized version inside an authorized PCCP; otherwise refused with the
/// findings, unless an administrator overrides.
/// </summary>
public sealed class ChangeControlTests
{
    private static readonly DateOnly ReleaseDay = Day(2024, 4, 1);
    private static readonly DateOnly RetrainDay = Day(2024, 3, 10);

    private readonly Scenario _ledger = new();
    private readonly ModelFacts _model;
    private readonly Guid _ehr;
    private readonly Guid _test;
    private readonly Guid _protocol;
    private readonly Guid _license;

    // Given a device authorized for 1.0 (trained on EHR v1), a PCCP allowing retraining on new data from the same
    // sources under the protocol and license listed, and version 1.1 retrained on EHR v2, evaluated on held-out data.
    public ChangeControlTests()
    {
        _ehr = _ledger.Dataset("Lakeshore EHR");
        _ledger.AddVersion(_ehr);
        _ledger.Apply(_ehr, SafeHarbor(_ehr, 2, Start));
        _test = _ledger.Dataset("Held-out CT reads", institution: "Mercy");
        _protocol = _ledger.Irb("IRB-2023-114", [_ehr]).Id;
        _license = _ledger[_ehr].Licenses[0].Granted.LicenseId;
        _model = new ModelFacts(_ledger).Registered()
            .Trained("1.0", Day(2024, 1, 20), new DatasetVersionRef(_ehr, 1))
            .Apply(ModelFacts.Device(Guid.Empty))
            .Trained("1.1", RetrainDay, new DatasetVersionRef(_ehr, 2));
    }

    private Guid Id => _model.ModelId;

    private ChangeControlReview Review(string version = "1.1", params ModificationKind[] declared) =>
        ChangeControl.Review(_model.State, version, ReleaseDay, _ledger.Facts, declared);

    private ModelFacts WithPlan(IReadOnlyList<PlannedModification>? modifications = null, IReadOnlyList<Guid>? protocols = null, IReadOnlyList<Guid>? licenses = null) =>
        _model.Apply(ModelFacts.Plan(Id, protocols ?? [_protocol], licenses ?? [_license], modifications));

    private ModelFacts Evaluated(double value = 0.85, string version = "1.1") => _model.Apply(_model.Evaluation(version, new DatasetVersionRef(_test, 1), value));

    private string[] Codes(ChangeControlReview review) => review.Findings.Select(f => f.Code).ToArray();

    [Fact]
    public void The_version_the_marketing_authorization_covers_is_within_it()
    {
        var review = Review("1.0");

        Assert.True(review.Applies);
        Assert.Empty(review.Findings);
        Assert.Contains("510(k) K240001", review.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_that_is_not_a_marketed_device_has_nothing_to_check()
    {
        var model = new ModelFacts(_ledger).Registered().Trained("1.0", RetrainDay, new DatasetVersionRef(_ehr, 1));

        var review = ChangeControl.Review(model.State, "1.0", ReleaseDay, _ledger.Facts, []);

        Assert.False(review.Applies);
        Assert.True(review.Within);
    }

    [Fact]
    public void A_new_version_without_a_plan_needs_a_new_submission()
    {
        var finding = Assert.Single(Review().Findings);

        Assert.Equal("pccp-missing", finding.Code);
        Assert.Contains("new marketing submission", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retraining_on_new_data_from_the_same_sources_under_the_listed_approvals_and_meeting_the_criteria_is_within_the_plan()
    {
        WithPlan();
        Evaluated();

        var review = Review();

        Assert.True(review.Within, string.Join("; ", review.Findings.Select(f => f.Message)));
        Assert.Contains("predetermined change control plan authorized in K240001", review.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_from_an_institution_the_plan_does_not_list_is_outside_it()
    {
        var mercy = _ledger.Dataset("Mercy EHR", institution: "Mercy");
        _ledger.ChangeIrb(_ledger.Protocol("IRB-2023-114"), new Domain.Irb.IrbProtocolAmended(_protocol, Day(2023, 7, 1),
            new Domain.Irb.IrbTerms(null, [Domain.Common.PermittedUse.Research, Domain.Common.PermittedUse.ModelTraining], [_ehr, mercy]), "adds Mercy", "irb", Start));
        _model.Trained("1.1", RetrainDay, new DatasetVersionRef(mercy, 1));
        WithPlan(licenses: [_license, _ledger[mercy].Licenses[0].Granted.LicenseId]);
        Evaluated();

        Assert.Equal(["pccp-institution-not-allowed"], Codes(Review()));
    }

    [Fact]
    public void A_plan_that_adds_an_institution_admits_its_data()
    {
        var mercy = _ledger.Dataset("Mercy EHR", institution: "Mercy");
        _ledger.ChangeIrb(_ledger.Protocol("IRB-2023-114"), new Domain.Irb.IrbProtocolAmended(_protocol, Day(2023, 7, 1),
            new Domain.Irb.IrbTerms(null, [Domain.Common.PermittedUse.Research, Domain.Common.PermittedUse.ModelTraining], [_ehr, mercy]), "adds Mercy", "irb", Start));
        _model.Trained("1.1", RetrainDay, new DatasetVersionRef(mercy, 1));
        WithPlan([ModelFacts.Modification(ModificationKind.RetrainingOnNewData), ModelFacts.Modification(ModificationKind.AddingInstitution, institutions: ["Mercy"])],
            licenses: [_license, _ledger[mercy].Licenses[0].Granted.LicenseId]);
        Evaluated();

        Assert.Empty(Codes(Review()));
    }

    [Fact]
    public void Data_of_a_modality_the_plan_does_not_list_is_outside_it()
    {
        var ct = _ledger.Dataset("Lakeshore chest CT", modality: Modality.ImagingCt);
        _ledger.ChangeIrb(_ledger.Protocol("IRB-2023-114"), new Domain.Irb.IrbProtocolAmended(_protocol, Day(2023, 7, 1),
            new Domain.Irb.IrbTerms(null, [Domain.Common.PermittedUse.Research, Domain.Common.PermittedUse.ModelTraining], [_ehr, ct]), "adds CT", "irb", Start));
        _model.Trained("1.1", RetrainDay, new DatasetVersionRef(ct, 1));
        WithPlan(licenses: [_license, _ledger[ct].Licenses[0].Granted.LicenseId]);
        Evaluated();

        var finding = Assert.Single(Review().Findings);
        Assert.Equal("pccp-modality-not-allowed", finding.Code);
        Assert.Contains("imaging-ct", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void New_data_below_the_plans_minimum_records_is_outside_it()
    {
        WithPlan([ModelFacts.Modification(ModificationKind.RetrainingOnNewData, minimumRecords: 5_000)]);
        Evaluated();

        Assert.Equal(["pccp-too-few-records"], Codes(Review()));
    }

    [Fact]
    public void New_data_not_cleared_on_the_runs_start_day_is_outside_the_plan()
    {
        _ledger.Quarantine(_ehr, 2, Day(2024, 3, 1), Day(2024, 3, 30));
        WithPlan();
        Evaluated();

        var finding = Assert.Single(Review().Findings);
        Assert.Equal("pccp-input-not-cleared", finding.Code);
        Assert.Contains("quarantine", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void New_data_under_a_protocol_the_plan_does_not_list_is_outside_it()
    {
        var other = _ledger.Irb("IRB-2024-002", [_ehr]).Id;
        WithPlan(protocols: [other]);
        _ledger.ChangeIrb(_ledger.Protocol("IRB-2024-002"), new Domain.Irb.IrbProtocolSuspended(other, Day(2024, 1, 1), "audit", "irb", Start));
        Evaluated();

        Assert.Equal(["pccp-protocol-not-listed"], Codes(Review()));
    }

    [Fact]
    public void New_data_under_a_license_the_plan_does_not_list_is_outside_it()
    {
        WithPlan(licenses: [Guid.NewGuid()]);
        Evaluated();

        Assert.Equal(["pccp-license-not-listed"], Codes(Review()));
    }

    [Fact]
    public void A_training_input_that_was_ever_the_models_test_data_breaks_sequestration()
    {
        WithPlan();
        Evaluated();
        _model.Apply(_model.Evaluation("1.0", new DatasetVersionRef(_ehr, 2)));

        var finding = Assert.Single(Review().Findings);
        Assert.Equal("pccp-test-data-in-training", finding.Code);
        Assert.Contains("sequestered", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_with_no_held_out_evaluation_of_a_criterions_metric_is_outside_the_plan()
    {
        WithPlan();
        _model.Apply(_model.Evaluation("1.1", new DatasetVersionRef(_test, 1), population: "children"));

        Assert.Equal(["pccp-criterion-not-evaluated"], Codes(Review()));
    }

    [Fact]
    public void A_version_whose_evaluation_misses_a_criterion_is_outside_the_plan()
    {
        WithPlan();
        Evaluated(0.74);

        var finding = Assert.Single(Review().Findings);
        Assert.Equal("pccp-criterion-not-met", finding.Code);
        Assert.Contains("0.74", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_declared_modification_the_plan_does_not_describe_is_outside_it()
    {
        WithPlan();
        Evaluated();

        Assert.Equal(["pccp-modification-not-described"], Codes(Review("1.1", ModificationKind.ArchitectureChange)));
    }

    [Fact]
    public void A_release_outside_the_plan_is_refused_with_every_finding()
    {
        WithPlan(licenses: [Guid.NewGuid()]);
        Evaluated(0.5);

        var codes = Refused.Codes(() => ManageModel.Release(_model.State, Released(), Review(), null));

        Assert.Equal(["pccp-license-not-listed", "pccp-criterion-not-met"], codes);
    }

    [Fact]
    public void An_administrator_may_release_outside_the_plan_and_the_override_keeps_the_findings()
    {
        WithPlan(licenses: [Guid.NewGuid()]);
        Evaluated();
        var review = Review();

        var events = ManageModel.Release(_model.State, Released(), review, new ClearanceOverride("FDA pre-sub meeting agreed", "admin", ByAdministrator: true));

        var overridden = Assert.IsType<ModelReleaseOverridden>(events[1]);
        Assert.IsType<ModelVersionReleased>(events[0]);
        Assert.Equal(review.Findings, overridden.Findings);
        Assert.Equal("FDA pre-sub meeting agreed", overridden.Justification);
        Assert.Same(overridden, _model.Apply(events[0]).Apply(events[1]).State.Version("1.1")!.ReleaseOverride);
    }

    [Fact]
    public void Only_an_administrator_may_override_change_control_findings()
    {
        var violation = Refused.Single(() => ManageModel.Release(_model.State, Released(), Review(), new ClearanceOverride("trust me", "steward", ByAdministrator: false)));

        Assert.Equal("override-not-permitted", violation.Code);
    }

    private ModelVersionReleased Released() => new(Id, "1.1", "", "admin", At(ReleaseDay));
}
