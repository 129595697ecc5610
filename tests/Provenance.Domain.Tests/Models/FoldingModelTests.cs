using Provenance.Domain.Clearance;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.RetiringDataset;
using Provenance.Domain.Models;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Models;

public sealed class FoldingModelTests
{
    private static readonly Guid ModelId = Guid.NewGuid();
    private static readonly ModelRegistered Registered = new(ModelId, "Sepsis early warning", "Lakeshore AI", "inpatient sepsis risk", true, "admin", Start);

    private static TrainingRunRecorded Run(string version) => new(ModelId, Guid.NewGuid(), version, [], Start, Start.AddHours(6), "git:9f8e7d", "", "trainer", Start);

    private static Model Fold(params object[] events) => Model.Fold([Registered, .. events])!;

    [Fact]
    public void A_registered_model_has_no_versions_until_its_first_run()
    {
        var model = Fold();

        Assert.Equal((ModelId, true, 0), (model.Id, model.Registration.Commercial, model.Versions.Count));
    }

    [Fact]
    public void A_first_run_opens_its_version_in_training()
    {
        var run = Run("1.0");

        var version = Assert.Single(Fold(run).Versions);

        Assert.Equal(("1.0", ModelVersionStatus.Training), (version.Version, version.Status));
        Assert.Equal([new TrainingRun(run, null)], version.Runs);
    }

    [Fact]
    public void Runs_gather_under_their_versions_and_versions_keep_the_order_they_began_in()
    {
        var (first, second, third) = (Run("1.0"), Run("2.0"), Run("1.0"));

        var model = Fold(first, second, third);

        Assert.Equal(["1.0", "2.0"], model.Versions.Select(v => v.Version));
        Assert.Equal([first, third], model.Version("1.0")!.Runs.Select(r => r.Recorded));
        Assert.Equal([second], model.Version("2.0")!.Runs.Select(r => r.Recorded));
    }

    [Fact]
    public void An_override_attaches_to_its_own_run_only()
    {
        var (first, overriddenRun, other) = (Run("1.0"), Run("1.0"), Run("2.0"));
        var finding = new ClearanceFinding(new DatasetVersionRef(Guid.NewGuid(), 1), "irb-missing", "No IRB protocol covers EHR (needed for EHR v1).");
        var overridden = new TrainingClearanceOverridden(ModelId, overriddenRun.RunId, [finding], "emergency retrain", "admin-kim", Start);

        var model = Fold(first, overriddenRun, overridden, other);

        Assert.Equal([null, overridden], model.Version("1.0")!.Runs.Select(r => r.Override));
        Assert.Null(Assert.Single(model.Version("2.0")!.Runs).Override);
    }

    [Fact]
    public void Releasing_then_withdrawing_a_version_keeps_both_facts()
    {
        var released = new ModelVersionReleased(ModelId, "1.0", "GA", "admin", Start);
        var withdrawn = new ModelVersionWithdrawn(ModelId, "1.0", "bias found in subgroup", "admin", Start.AddDays(30));

        var afterRelease = Fold(Run("1.0"), released).Version("1.0")!;
        var afterWithdrawal = Fold(Run("1.0"), released, withdrawn).Version("1.0")!;

        Assert.Equal((ModelVersionStatus.Released, released, null), (afterRelease.Status, afterRelease.Release, afterRelease.Withdrawal));
        Assert.Equal((ModelVersionStatus.Withdrawn, released, withdrawn), (afterWithdrawal.Status, afterWithdrawal.Release, afterWithdrawal.Withdrawal));
    }

    [Fact]
    public void Releasing_one_version_leaves_the_others_in_training()
    {
        var model = Fold(Run("1.0"), Run("2.0"), new ModelVersionReleased(ModelId, "1.0", "GA", "admin", Start));

        Assert.Equal([ModelVersionStatus.Released, ModelVersionStatus.Training], model.Versions.Select(v => v.Status));
    }

    [Fact]
    public void A_model_stream_must_start_with_its_registration_and_an_empty_one_folds_to_nothing()
    {
        Assert.Null(Model.Fold([]));
        Assert.Throws<InvalidOperationException>(() => Model.Fold([Run("1.0")]));
    }

    [Fact]
    public void An_event_of_another_stream_cannot_be_applied_to_a_model()
    {
        Assert.Throws<InvalidOperationException>(() => Fold().Apply(new DatasetRetired(Guid.NewGuid(), "superseded", "steward", Start)));
    }
}
