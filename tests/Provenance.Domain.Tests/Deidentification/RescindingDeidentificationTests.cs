using Provenance.Domain.Deidentification;
using Provenance.Domain.Tests.Clearance;

namespace Provenance.Domain.Tests.Deidentification;

public sealed class RescindingDeidentificationTests
{
    private static readonly DateTimeOffset Now = new(2024, 3, 1, 9, 0, 0, TimeSpan.Zero);

    // A dataset with version 1 and one approved Safe Harbor decision on it.
    private static (Scenario Ledger, Guid Id, Guid DecisionId) Given()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        return (ledger, id, ledger[id].Decisions[0].Decided.DecisionId);
    }

    [Fact]
    public void Rescinding_a_decision_records_why_who_and_when()
    {
        var (ledger, id, decisionId) = Given();

        var rescinded = DecideDeidentification.Rescind(ledger[id], decisionId, "dates left in notes", "privacy officer", Now);

        Assert.Equal(new DeidentificationRescinded(id, decisionId, "dates left in notes", "privacy officer", Now), rescinded);
    }

    [Fact]
    public void An_unknown_decision_cannot_be_rescinded()
    {
        var (ledger, id, _) = Given();

        var violation = Refused.Single(() => DecideDeidentification.Rescind(ledger[id], Guid.NewGuid(), "why", "privacy officer", Now));

        Assert.Equal(("decisionId", "unknown-decision"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_rescinded_decision_cannot_be_rescinded_again()
    {
        var (ledger, id, decisionId) = Given();
        ledger.Apply(id, DecideDeidentification.Rescind(ledger[id], decisionId, "dates left in notes", "privacy officer", Now));

        var violation = Refused.Single(() => DecideDeidentification.Rescind(ledger[id], decisionId, "again", "privacy officer", Now));

        Assert.Equal(("decisionId", "already-rescinded"), (violation.Field, violation.Code));
    }
}
