using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Tests.Clearance;

namespace Provenance.Domain.Tests.Datasets;

public sealed class ContributingVersionTests
{
    private static readonly DateTimeOffset Now = new(2024, 2, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<Guid, Dataset> NoParents = [];

    private static readonly ManifestFile[] Files =
    [
        new("images/0001.dcm", 524_288, new string('c', 64)),
        new("labels.csv", 2_048, new string('d', 64)),
    ];

    // A dataset that already has version 1.
    private static (Scenario Ledger, Guid Id) Given()
    {
        var ledger = new Scenario();
        return (ledger, ledger.Dataset());
    }

    private static ContributeVersion Command(Guid id, IReadOnlyList<ManifestFile>? files = null, Derivation? derivedFrom = null)
    {
        var list = files ?? Files;
        return new ContributeVersion(id, list, 900, Manifest.Fingerprint(list), "s3://lakeshore/ehr/v2/", derivedFrom, "steward-lee", Now, Now);
    }

    private static Derivation DerivedFrom(params DatasetVersionRef[] parents) =>
        new(parents, TransformationKind.Filter, "drop patients under 18", "git:1a2b3c4");

    [Fact]
    public void Contributing_a_version_records_the_next_number_with_its_manifest_and_fingerprint()
    {
        var (ledger, id) = Given();
        var command = Command(id);

        var events = ContributeVersion.Decide(command, ledger[id], NoParents);

        Assert.Equal(
            new DatasetVersionContributed(id, 2, command.Files, 900, command.Fingerprint, "s3://lakeshore/ehr/v2/", "steward-lee", Now),
            Assert.Single(events));
    }

    [Fact]
    public void A_version_delivered_before_it_is_recorded_keeps_its_delivery_time()
    {
        var (ledger, id) = Given();
        var delivered = Now.AddDays(-30);

        var events = ContributeVersion.Decide(Command(id) with { ContributedAt = delivered }, ledger[id], NoParents);

        Assert.Equal(delivered, Assert.IsType<DatasetVersionContributed>(Assert.Single(events)).ContributedAt);
    }

    [Fact]
    public void A_version_contributed_after_it_is_recorded_is_rejected()
    {
        var (ledger, id) = Given();
        var command = Command(id) with { ContributedAt = Now.AddMinutes(1) };

        var violation = Refused.Single(() => ContributeVersion.Decide(command, ledger[id], NoParents));

        Assert.Equal(("contributedAt", "contributed-in-future"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_fingerprint_that_does_not_match_the_manifest_is_rejected_naming_the_expected_one()
    {
        var (ledger, id) = Given();
        var command = Command(id) with { Fingerprint = "sha256:" + new string('0', 64) };

        var violation = Refused.Single(() => ContributeVersion.Decide(command, ledger[id], NoParents));

        Assert.Equal(("fingerprint", "fingerprint-mismatch"), (violation.Field, violation.Code));
        Assert.Contains(Manifest.Fingerprint(Files), violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_uppercase_fingerprint_is_not_the_canonical_one()
    {
        var (ledger, id) = Given();
        var command = Command(id) with { Fingerprint = Manifest.Fingerprint(Files).ToUpperInvariant() };

        Assert.Equal(["fingerprint-mismatch"], Refused.Codes(() => ContributeVersion.Decide(command, ledger[id], NoParents)));
    }

    [Fact]
    public void A_manifest_listing_a_path_twice_is_rejected()
    {
        var (ledger, id) = Given();
        ManifestFile[] files = [new("labels.csv", 10, new string('a', 64)), new("labels.csv", 20, new string('b', 64))];

        var violation = Refused.Single(() => ContributeVersion.Decide(Command(id, files), ledger[id], NoParents));

        Assert.Equal(("files", "duplicate-path"), (violation.Field, violation.Code));
        Assert.Contains("'labels.csv'", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_differing_only_in_case_are_different_files()
    {
        var (ledger, id) = Given();
        ManifestFile[] files = [new("labels.csv", 10, new string('a', 64)), new("LABELS.csv", 20, new string('b', 64))];

        var events = ContributeVersion.Decide(Command(id, files), ledger[id], NoParents);

        Assert.Equal(2, Assert.IsType<DatasetVersionContributed>(Assert.Single(events)).Files.Count);
    }

    [Fact]
    public void A_retired_dataset_takes_no_versions()
    {
        var (ledger, id) = Given();
        ledger.Retire(id, Scenario.Day(2024, 1, 20));

        var violation = Refused.Single(() => ContributeVersion.Decide(Command(id), ledger[id], NoParents));

        Assert.Equal(("datasetId", "dataset-retired"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_derived_version_records_its_contribution_then_its_derivation()
    {
        var (ledger, id) = Given();
        var source = ledger.Dataset("Raw EHR");
        var command = Command(id, derivedFrom: DerivedFrom(new DatasetVersionRef(source, 1)));

        var events = ContributeVersion.Decide(command, ledger[id], new Dictionary<Guid, Dataset> { [source] = ledger[source] });

        Assert.Collection(
            events,
            e => Assert.Equal(2, Assert.IsType<DatasetVersionContributed>(e).Version),
            e => Assert.Equal(
                new DatasetVersionDerived(id, 2, command.DerivedFrom!.Parents, TransformationKind.Filter, "drop patients under 18", "git:1a2b3c4", "steward-lee", Now),
                e));
    }

    [Fact]
    public void A_derivation_from_an_earlier_version_of_its_own_dataset_needs_no_parent_lookup()
    {
        var (ledger, id) = Given();

        var events = ContributeVersion.Decide(Command(id, derivedFrom: DerivedFrom(new DatasetVersionRef(id, 1))), ledger[id], NoParents);

        Assert.Equal([new DatasetVersionRef(id, 1)], Assert.IsType<DatasetVersionDerived>(events[1]).Parents);
    }

    [Fact]
    public void A_derivation_from_a_dataset_that_does_not_exist_is_rejected()
    {
        var (ledger, id) = Given();
        var command = Command(id, derivedFrom: DerivedFrom(new DatasetVersionRef(Guid.NewGuid(), 1)));

        var violation = Refused.Single(() => ContributeVersion.Decide(command, ledger[id], NoParents));

        Assert.Equal(("derivedFrom.parents[0]", "unknown-parent"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_derivation_from_a_missing_version_of_another_dataset_is_rejected()
    {
        var (ledger, id) = Given();
        var source = ledger.Dataset("Raw EHR");
        var command = Command(id, derivedFrom: DerivedFrom(new DatasetVersionRef(source, 2)));

        var violation = Refused.Single(() => ContributeVersion.Decide(command, ledger[id], new Dictionary<Guid, Dataset> { [source] = ledger[source] }));

        Assert.Equal("unknown-parent", violation.Code);
        Assert.Contains($"{source}@v2", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_unknown_parent_is_reported_at_its_own_position()
    {
        var (ledger, id) = Given();
        var command = Command(id, derivedFrom: DerivedFrom(new DatasetVersionRef(id, 1), new DatasetVersionRef(id, 0)));

        var violation = Refused.Single(() => ContributeVersion.Decide(command, ledger[id], NoParents));

        Assert.Equal(("derivedFrom.parents[1]", "unknown-parent"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_derivation_naming_its_own_version_is_a_cycle()
    {
        var (ledger, id) = Given();
        var command = Command(id, derivedFrom: DerivedFrom(new DatasetVersionRef(id, 2)));

        var violation = Refused.Single(() => ContributeVersion.Decide(command, ledger[id], NoParents));

        Assert.Equal(("derivedFrom.parents[0]", "derivation-cycle"), (violation.Field, violation.Code));
    }

    [Fact]
    public void A_derivation_naming_a_later_version_of_its_own_dataset_is_a_cycle()
    {
        var (ledger, id) = Given();
        var command = Command(id, derivedFrom: DerivedFrom(new DatasetVersionRef(id, 5)));

        Assert.Equal(["derivation-cycle"], Refused.Codes(() => ContributeVersion.Decide(command, ledger[id], NoParents)));
    }

    [Fact]
    public void A_parent_listed_twice_is_rejected()
    {
        var (ledger, id) = Given();
        var command = Command(id, derivedFrom: DerivedFrom(new DatasetVersionRef(id, 1), new DatasetVersionRef(id, 1)));

        var violation = Refused.Single(() => ContributeVersion.Decide(command, ledger[id], NoParents));

        Assert.Equal(("derivedFrom.parents", "duplicate-parent"), (violation.Field, violation.Code));
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once()
    {
        var (ledger, id) = Given();
        ledger.Retire(id, Scenario.Day(2024, 1, 20));
        ManifestFile[] files = [new("a.csv", 1, new string('a', 64)), new("a.csv", 1, new string('a', 64))];
        var command = Command(id, files, DerivedFrom(new DatasetVersionRef(id, 2), new DatasetVersionRef(id, 2))) with
        {
            Fingerprint = "sha256:0",
            ContributedAt = Now.AddDays(1),
        };

        var codes = Refused.Codes(() => ContributeVersion.Decide(command, ledger[id], NoParents));

        Assert.Equal(
            ["contributed-in-future", "dataset-retired", "derivation-cycle", "duplicate-parent", "duplicate-path", "fingerprint-mismatch"],
            codes.Order(StringComparer.Ordinal).Distinct());
    }
}

public sealed class ManifestGuardTests
{
    private static readonly DateTimeOffset At = new(2024, 1, 10, 12, 0, 0, TimeSpan.Zero);

    private static Provenance.Domain.Datasets.Dataset Dataset() => Provenance.Domain.Datasets.Dataset.Create(
        new Provenance.Domain.Datasets.RegisteringDataset.DatasetRegistered(Guid.NewGuid(), "d", "", "s", "i",
            Provenance.Domain.Datasets.Modality.Other, new DateOnly(2020, 1, 1), new DateOnly(2021, 1, 1), 10, 1, "s", At));

    [Fact]
    public void A_path_with_a_line_break_is_refused_because_it_could_forge_manifest_lines()
    {
        var files = new[] { new ManifestFile("a.csv\n" + new string('b', 64) + " 1 b.csv", 1, new string('a', 64)) };
        var dataset = Dataset();

        var error = Assert.Throws<Provenance.Domain.Common.RuleViolationException>(() => ContributeVersion.Decide(
            new ContributeVersion(dataset.Id, files, 1, Manifest.Fingerprint(files), "s3://b/", null, "s", At, At), dataset, new Dictionary<Guid, Provenance.Domain.Datasets.Dataset>()));

        Assert.Contains(error.Violations, v => v.Code == "invalid-path");
    }

    [Fact]
    public void A_derivation_without_parents_is_refused()
    {
        var files = new[] { new ManifestFile("a.csv", 1, new string('a', 64)) };
        var dataset = Dataset();

        var error = Assert.Throws<Provenance.Domain.Common.RuleViolationException>(() => ContributeVersion.Decide(
            new ContributeVersion(dataset.Id, files, 1, Manifest.Fingerprint(files), "s3://b/",
                new Derivation([], TransformationKind.Filter, "", "git:x"), "s", At, At), dataset, new Dictionary<Guid, Provenance.Domain.Datasets.Dataset>()));

        Assert.Equal("no-parents", Assert.Single(error.Violations).Code);
    }
}
