using Provenance.Domain.Models;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Models;

public sealed class ReleasingModelVersionTests
{
    private static readonly Guid ModelId = Guid.NewGuid();

    private static readonly TrainingRunRecorded Run = new(ModelId, Guid.NewGuid(), "1.0", [], At(Day(2024, 3, 13)), At(Day(2024, 3, 14)),
        "git:9f8e7d", "", "trainer", At(Day(2024, 3, 14)));

    private static ModelVersionReleased Released(string version = "1.0") => new(ModelId, version, "GA", "admin", Start);

    private static ModelVersionWithdrawn Withdrawn(string version = "1.0") => new(ModelId, version, "bias found in subgroup", "admin", Start);

    // A model whose version 1.0 has one run and, optionally, later events.
    private static Model Trained(params object[] later) => Model.Fold(
        [new ModelRegistered(ModelId, "Sepsis early warning", "Lakeshore AI", "inpatient sepsis risk", false, "admin", Start), Run, .. later])!;

    [Fact]
    public void Releasing_a_version_in_training_is_recorded_as_given()
    {
        var released = Released();

        Assert.Same(released, Assert.Single(ManageModel.Release(Trained(), released, ChangeControlReview.NotADevice, null)));
    }

    [Fact]
    public void A_version_without_a_training_run_cannot_be_released()
    {
        var violation = Refused.Single(() => ManageModel.Release(Trained(), Released("2.0"), ChangeControlReview.NotADevice, null));

        Assert.Equal(("modelVersion", "no-training-run"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_released_version_cannot_be_released_again()
    {
        var violation = Refused.Single(() => ManageModel.Release(Trained(Released()), Released(), ChangeControlReview.NotADevice, null));

        Assert.Equal(("modelVersion", "model-version-closed"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_withdrawn_version_cannot_be_released()
    {
        var violation = Refused.Single(() => ManageModel.Release(Trained(Withdrawn()), Released(), ChangeControlReview.NotADevice, null));

        Assert.Equal("model-version-closed", violation.Code);
        Assert.Contains("already withdrawn", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_released_version_can_be_withdrawn()
    {
        var withdrawn = Withdrawn();

        Assert.Same(withdrawn, ManageModel.Withdraw(Trained(Released()), withdrawn));
    }

    [Fact]
    public void A_version_still_in_training_can_be_withdrawn()
    {
        var withdrawn = Withdrawn();

        Assert.Same(withdrawn, ManageModel.Withdraw(Trained(), withdrawn));
    }

    [Fact]
    public void An_unknown_version_cannot_be_withdrawn()
    {
        var violation = Refused.Single(() => ManageModel.Withdraw(Trained(), Withdrawn("2.0")));

        Assert.Equal(("modelVersion", "unknown-model-version"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_withdrawn_version_cannot_be_withdrawn_again()
    {
        var violation = Refused.Single(() => ManageModel.Withdraw(Trained(Released(), Withdrawn()), Withdrawn()));

        Assert.Equal(("modelVersion", "already-withdrawn"), (violation.Field, violation.Code));
    }
}
