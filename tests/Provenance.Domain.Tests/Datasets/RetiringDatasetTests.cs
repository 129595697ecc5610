using Provenance.Domain.Datasets.RetiringDataset;
using Provenance.Domain.Tests.Clearance;

namespace Provenance.Domain.Tests.Datasets;

public sealed class RetiringDatasetTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Retiring_an_active_dataset_records_why_who_and_when()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();

        var retired = RetireDataset.Decide(ledger[id], "superseded by v2 extract", "steward-lee", Now);

        Assert.Equal(new DatasetRetired(id, "superseded by v2 extract", "steward-lee", Now), retired);
    }

    [Fact]
    public void A_retired_dataset_cannot_be_retired_again()
    {
        var ledger = new Scenario();
        var id = ledger.Dataset();
        ledger.Retire(id, Scenario.Day(2024, 5, 1));

        var violation = Refused.Single(() => RetireDataset.Decide(ledger[id], "again", "steward-lee", Now));

        Assert.Equal(("datasetId", "already-retired"), (violation.Field, violation.Code));
    }
}
