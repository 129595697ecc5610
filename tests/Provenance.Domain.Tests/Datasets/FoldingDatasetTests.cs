using Provenance.Domain.Common;
using Provenance.Domain.Consent;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Datasets.QuarantiningVersion;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.Domain.Datasets.RetiringDataset;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Licenses;
using Provenance.Domain.Models;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Datasets;

public sealed class FoldingDatasetTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly ManifestFile[] Files = [new("part-0.parquet", 10, new string('a', 64))];
    private static readonly DatasetRegistered Registered = new(Id, "EHR", "inpatient encounters", "Lee Park", "Lakeshore",
        Modality.StructuredEhr, Day(2020, 1, 1), Day(2023, 12, 31), 1000, 100, "steward", Start);

    private static DatasetVersionContributed Contributed(int version, long records = 500) =>
        new(Id, version, Files, records, Manifest.Fingerprint(Files), $"s3://lakeshore/ehr/v{version}/", "steward", Start);

    private static DatasetVersionQuarantined Quarantined(DateOnly on) => new(Id, 1, "burned-in annotations", "steward", At(on));

    private static DatasetVersionReleased Released(DateOnly on) => new(Id, 1, "re-scrubbed", "steward", At(on));

    private static LicenseTerms Terms(string document, params PermittedUse[] uses) => new(uses, [], null, document, new string('b', 64));

    private static LicenseGranted Granted(DateOnly effective, LicenseTerms terms) =>
        new(Id, Guid.NewGuid(), LicenseKind.DataUseAgreement, null, ["Lakeshore", "Partner"], null, "US", effective, terms, "steward", Start);

    private static Dataset Fold(params object[] events) => Dataset.Fold([Registered, .. events])!;

    [Fact]
    public void A_contributed_version_is_found_by_its_number_with_its_fingerprint_and_record_count()
    {
        var dataset = Fold(Contributed(1), Contributed(2, records: 480));

        var version = dataset.Version(2)!;
        Assert.Equal((2, 480L, Manifest.Fingerprint(Files)), (version.Version, version.RecordCount, version.Fingerprint));
        Assert.Equal((false, 0), (version.Quarantined, version.Parents.Count));
    }

    [Fact]
    public void Version_numbers_outside_those_contributed_are_not_found()
    {
        var dataset = Fold(Contributed(1));

        Assert.Null(dataset.Version(0));
        Assert.NotNull(dataset.Version(1));
        Assert.Null(dataset.Version(2));
    }

    [Fact]
    public void A_derivation_attaches_to_its_own_version_only()
    {
        var parent = new DatasetVersionRef(Id, 1);
        var derived = new DatasetVersionDerived(Id, 2, [parent], TransformationKind.Deidentification, "scrubbed", "git:abc", "steward", Start);

        var dataset = Fold(Contributed(1), Contributed(2), derived);

        Assert.Null(dataset.Version(1)!.Derivation);
        Assert.Same(derived, dataset.Version(2)!.Derivation);
        Assert.Equal([parent], dataset.Version(2)!.Parents);
    }

    [Fact]
    public void A_quarantine_opens_a_period_that_its_release_closes()
    {
        var quarantined = Quarantined(Day(2024, 2, 1));
        var released = Released(Day(2024, 2, 10));

        var open = Fold(Contributed(1), quarantined).Version(1)!;
        var closed = Fold(Contributed(1), quarantined, released).Version(1)!;

        Assert.True(open.Quarantined);
        Assert.Equal(new QuarantinePeriod(quarantined, null), Assert.Single(open.Quarantines));
        Assert.False(closed.Quarantined);
        Assert.Equal(new QuarantinePeriod(quarantined, released), Assert.Single(closed.Quarantines));
    }

    [Fact]
    public void A_second_quarantine_opens_a_new_period_and_keeps_the_first()
    {
        var first = Quarantined(Day(2024, 2, 1));
        var release = Released(Day(2024, 2, 10));
        var second = Quarantined(Day(2024, 3, 1));

        var version = Fold(Contributed(1), first, release, second).Version(1)!;

        Assert.True(version.Quarantined);
        Assert.Equal([new QuarantinePeriod(first, release), new QuarantinePeriod(second, null)], version.Quarantines);
    }

    [Fact]
    public void A_release_closes_the_latest_quarantine_period()
    {
        var (first, firstRelease) = (Quarantined(Day(2024, 2, 1)), Released(Day(2024, 2, 10)));
        var (second, secondRelease) = (Quarantined(Day(2024, 3, 1)), Released(Day(2024, 3, 5)));

        var version = Fold(Contributed(1), first, firstRelease, second, secondRelease).Version(1)!;

        Assert.False(version.Quarantined);
        Assert.Equal([new QuarantinePeriod(first, firstRelease), new QuarantinePeriod(second, secondRelease)], version.Quarantines);
    }

    [Fact]
    public void Retiring_a_dataset_changes_its_status_and_keeps_the_retirement()
    {
        var retired = new DatasetRetired(Id, "superseded", "steward", At(Day(2024, 5, 1)));

        var dataset = Fold(Contributed(1), retired);

        Assert.Equal((DatasetStatus.Retired, retired), (dataset.Status, dataset.Retirement));
    }

    [Fact]
    public void A_rescission_attaches_to_its_own_decision_only()
    {
        var kept = SafeHarbor(Id, 1, Start);
        var rescinded = SafeHarbor(Id, 1, Start);
        var rescission = new DeidentificationRescinded(Id, rescinded.DecisionId, "dates left in notes", "privacy officer", At(Day(2024, 3, 1)));

        var dataset = Fold(Contributed(1), kept, rescinded, rescission);

        Assert.Equal([new DeidentificationDecision(kept, null), new DeidentificationDecision(rescinded, rescission)], dataset.Decisions);
    }

    [Fact]
    public void A_granted_license_starts_its_terms_history_on_its_effective_date()
    {
        var granted = Granted(Day(2024, 1, 1), Terms("DUA-1", PermittedUse.Research));

        var license = Assert.Single(Fold(granted).Licenses);

        Assert.Equal([new DatedLicenseTerms(Day(2024, 1, 1), granted.Terms)], license.TermsHistory);
        Assert.Null(license.TermsOn(Day(2023, 12, 31)));
    }

    [Fact]
    public void A_license_amendment_recorded_later_but_effective_earlier_slots_in_by_its_effective_date()
    {
        var granted = Granted(Day(2024, 1, 1), Terms("DUA-1", PermittedUse.Research));
        var july = new LicenseAmended(Id, granted.LicenseId, Day(2024, 7, 1), Terms("DUA-3", PermittedUse.Research), "renewal", "steward", At(Day(2024, 6, 1)));
        var april = new LicenseAmended(Id, granted.LicenseId, Day(2024, 4, 1), Terms("DUA-2", PermittedUse.ModelTraining), "training", "steward", At(Day(2024, 6, 2)));

        var license = Assert.Single(Fold(granted, july, april).Licenses);

        Assert.Equal([Day(2024, 1, 1), Day(2024, 4, 1), Day(2024, 7, 1)], license.TermsHistory.Select(t => t.EffectiveOn));
        Assert.Equal("DUA-2", license.TermsOn(Day(2024, 5, 1))!.Terms.DocumentReference);
        Assert.Equal("DUA-3", license.TermsOn(Day(2024, 8, 1))!.Terms.DocumentReference);
    }

    [Fact]
    public void An_amendment_effective_on_the_same_day_as_earlier_terms_supersedes_them()
    {
        var granted = Granted(Day(2024, 1, 1), Terms("DUA-1", PermittedUse.Research));
        var amended = new LicenseAmended(Id, granted.LicenseId, Day(2024, 1, 1), Terms("DUA-1a", PermittedUse.ModelTraining), "fix", "steward", Start);

        var license = Assert.Single(Fold(granted, amended).Licenses);

        Assert.Equal(["DUA-1", "DUA-1a"], license.TermsHistory.Select(t => t.Terms.DocumentReference));
        Assert.Equal("DUA-1a", license.TermsOn(Day(2024, 1, 1))!.Terms.DocumentReference);
    }

    [Fact]
    public void A_termination_attaches_to_its_own_license_only()
    {
        var kept = Granted(Day(2024, 1, 1), Terms("DUA-1", PermittedUse.Research));
        var ended = Granted(Day(2024, 1, 1), Terms("DUA-2", PermittedUse.Research));
        var termination = new LicenseTerminated(Id, ended.LicenseId, Day(2024, 6, 1), "partner exited", "steward", Start);

        var licenses = Fold(kept, ended, termination).Licenses;

        Assert.Equal([null, termination], licenses.Select(l => l.Terminated));
    }

    [Fact]
    public void Consent_withdrawals_are_kept_in_the_order_recorded()
    {
        var first = new ConsentWithdrawn(Id, 1, Guid.NewGuid(), 3, Day(2024, 4, 1), [ConsentAction.ExcludeFromFutureTraining], "steward", Start);
        var second = new ConsentWithdrawn(Id, 1, Guid.NewGuid(), 2, Day(2024, 2, 1), [ConsentAction.RetrainAffectedModels], "steward", Start);

        Assert.Equal([first, second], Fold(Contributed(1), first, second).ConsentWithdrawals);
    }

    [Fact]
    public void An_event_of_another_stream_cannot_be_applied_to_a_dataset()
    {
        var dataset = Fold(Contributed(1));

        Assert.Throws<InvalidOperationException>(() => dataset.Apply(new ModelVersionReleased(Guid.NewGuid(), "1.0", "", "admin", Start)));
    }

    [Fact]
    public void A_stream_must_start_with_the_registration_and_an_empty_one_folds_to_nothing()
    {
        Assert.Null(Dataset.Fold([]));
        Assert.Throws<InvalidOperationException>(() => Dataset.Fold([Contributed(1)]));
    }
}
