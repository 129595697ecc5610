using Provenance.Domain.Consent;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Tests.Clearance;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Consent;

public sealed class WithdrawingConsentTests
{
    private static readonly DateTimeOffset Now = new(2024, 4, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly EffectiveOn = Day(2024, 4, 1);
    private static readonly ConsentAction[] Exclude = [ConsentAction.ExcludeFromFutureTraining];

    // A dataset of 1000 records from 100 patients, whose version 1 holds all 1000 records.
    private static (Scenario Ledger, Guid Id) Given()
    {
        var ledger = new Scenario();
        return (ledger, ledger.Dataset());
    }

    private static ConsentWithdrawn Withdraw(Scenario ledger, Guid id, int version, long subjects) =>
        WithdrawConsent.Decide(ledger[id], Guid.NewGuid(), version, subjects, EffectiveOn, Exclude, "steward-lee", Now);

    [Fact]
    public void A_withdrawal_records_how_many_subjects_from_when_and_what_it_requires()
    {
        var (ledger, id) = Given();
        var withdrawalId = Guid.NewGuid();
        ConsentAction[] actions = [ConsentAction.ExcludeFromFutureTraining, ConsentAction.RetrainAffectedModels];

        var withdrawn = WithdrawConsent.Decide(ledger[id], withdrawalId, 1, 12, EffectiveOn, actions, "steward-lee", Now);

        Assert.Equal(new ConsentWithdrawn(id, 1, withdrawalId, 12, EffectiveOn, actions, "steward-lee", Now), withdrawn);
    }

    [Fact]
    public void A_withdrawal_from_an_unknown_version_is_rejected()
    {
        var (ledger, id) = Given();

        var violation = Refused.Single(() => Withdraw(ledger, id, 2, 12));

        Assert.Equal(("version", "unknown-version"), (violation.Field, violation.Code));
    }

    [Fact]
    public void More_subjects_than_the_version_has_records_is_rejected()
    {
        var (ledger, id) = Given();
        ManifestFile[] files = [new("sample.parquet", 10, new string('a', 64))];
        ledger.Apply(id, new DatasetVersionContributed(id, 2, files, 50, Manifest.Fingerprint(files), "s3://x/v2/", "steward", Start));

        var violation = Refused.Single(() => Withdraw(ledger, id, 2, 60));

        Assert.Equal(("subjectCount", "more-subjects-than-records"), (violation.Field, violation.Code));
    }

    [Fact]
    public void More_subjects_than_the_dataset_has_patients_is_rejected()
    {
        var (ledger, id) = Given();

        var violation = Refused.Single(() => Withdraw(ledger, id, 1, 101));

        Assert.Equal(("subjectCount", "more-subjects-than-patients"), (violation.Field, violation.Code));
    }

    [Fact]
    public void Every_patient_of_the_dataset_may_withdraw()
    {
        var (ledger, id) = Given();

        Assert.Equal(100, Withdraw(ledger, id, 1, 100).SubjectCount);
    }

    [Fact]
    public void An_unknown_version_does_not_hide_a_count_beyond_the_patients()
    {
        var (ledger, id) = Given();

        Assert.Equal(["unknown-version", "more-subjects-than-patients"], Refused.Codes(() => Withdraw(ledger, id, 9, 101)));
    }
}
