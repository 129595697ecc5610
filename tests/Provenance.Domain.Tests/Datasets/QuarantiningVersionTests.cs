using Provenance.Domain.Datasets.QuarantiningVersion;
using Provenance.Domain.Tests.Clearance;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Datasets;

public sealed class QuarantiningVersionTests
{
    private static readonly DateTimeOffset Now = new(2024, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static (Scenario Ledger, Guid Id) Given()
    {
        var ledger = new Scenario();
        return (ledger, ledger.Dataset());
    }

    [Fact]
    public void Quarantining_a_version_records_why_who_and_when()
    {
        var (ledger, id) = Given();

        var quarantined = QuarantineVersion.Quarantine(ledger[id], 1, "burned-in annotations", "steward-lee", Now);

        Assert.Equal(new DatasetVersionQuarantined(id, 1, "burned-in annotations", "steward-lee", Now), quarantined);
    }

    [Fact]
    public void A_version_already_in_quarantine_cannot_be_quarantined_again()
    {
        var (ledger, id) = Given();
        ledger.Quarantine(id, 1, Day(2024, 2, 1), until: null);

        var violation = Refused.Single(() => QuarantineVersion.Quarantine(ledger[id], 1, "again", "steward-lee", Now));

        Assert.Equal(("version", "already-quarantined"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_released_version_can_be_quarantined_again()
    {
        var (ledger, id) = Given();
        ledger.Quarantine(id, 1, Day(2024, 2, 1), until: Day(2024, 2, 10));

        var quarantined = QuarantineVersion.Quarantine(ledger[id], 1, "new finding", "steward-lee", Now);

        Assert.Equal(1, quarantined.Version);
    }

    [Fact]
    public void Releasing_a_quarantined_version_records_why_who_and_when()
    {
        var (ledger, id) = Given();
        ledger.Quarantine(id, 1, Day(2024, 2, 1), until: null);

        var released = QuarantineVersion.Release(ledger[id], 1, "re-scrubbed", "steward-lee", Now);

        Assert.Equal(new DatasetVersionReleased(id, 1, "re-scrubbed", "steward-lee", Now), released);
    }

    [Fact]
    public void A_version_never_quarantined_cannot_be_released()
    {
        var (ledger, id) = Given();

        var violation = Refused.Single(() => QuarantineVersion.Release(ledger[id], 1, "fine", "steward-lee", Now));

        Assert.Equal(("version", "not-quarantined"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_version_already_released_cannot_be_released_again()
    {
        var (ledger, id) = Given();
        ledger.Quarantine(id, 1, Day(2024, 2, 1), until: Day(2024, 2, 10));

        Assert.Equal(["not-quarantined"], Refused.Codes(() => QuarantineVersion.Release(ledger[id], 1, "again", "steward-lee", Now)));
    }

    [Fact]
    public void An_unknown_version_cannot_be_quarantined()
    {
        var (ledger, id) = Given();

        var violation = Refused.Single(() => QuarantineVersion.Quarantine(ledger[id], 2, "why", "steward-lee", Now));

        Assert.Equal(("version", "unknown-version"), (violation.Field, violation.Code));
    }

    [Fact]
    public void An_unknown_version_cannot_be_released()
    {
        var (ledger, id) = Given();

        Assert.Equal(["unknown-version"], Refused.Codes(() => QuarantineVersion.Release(ledger[id], 0, "why", "steward-lee", Now)));
    }
}
