using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.RegisteringDataset;

namespace Provenance.Domain.Tests.Datasets;

public sealed class RegisteringDatasetTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    private static RegisterDataset Command() => new(
        Guid.CreateVersion7(), "ECG waveforms 2020-2024", "12-lead resting ECGs", "Lee Park", "Lakeside Health",
        Modality.EcgWaveforms, new DateOnly(2020, 1, 1), new DateOnly(2024, 12, 31), RecordCount: 400_000, PatientCount: 95_000,
        RegisteredBy: "steward-lee", RegisteredAt: Now);

    [Fact]
    public void Registering_a_valid_dataset_records_every_fact_of_the_command()
    {
        var command = Command();

        var registered = RegisterDataset.Decide(command);

        Assert.Equal(new DatasetRegistered(
            command.DatasetId, command.Name, command.Description, command.Steward, command.SourceInstitution, command.Modality,
            command.CollectionStart, command.CollectionEnd, command.RecordCount, command.PatientCount, command.RegisteredBy, Now), registered);
    }

    [Fact]
    public void A_collection_period_that_ends_before_it_starts_is_rejected()
    {
        var command = Command() with { CollectionStart = new DateOnly(2024, 1, 1), CollectionEnd = new DateOnly(2023, 1, 1) };

        var error = Assert.Throws<RuleViolationException>(() => RegisterDataset.Decide(command));

        Assert.Equal("collection-period-reversed", Assert.Single(error.Violations).Code);
    }

    [Fact]
    public void A_collection_period_starting_after_registration_is_rejected()
    {
        var command = Command() with { CollectionStart = new DateOnly(2026, 6, 1), CollectionEnd = new DateOnly(2026, 7, 1) };

        var error = Assert.Throws<RuleViolationException>(() => RegisterDataset.Decide(command));

        Assert.Equal("collection-in-future", Assert.Single(error.Violations).Code);
    }

    [Fact]
    public void More_patients_than_records_is_rejected()
    {
        var command = Command() with { RecordCount = 10, PatientCount = 11 };

        var error = Assert.Throws<RuleViolationException>(() => RegisterDataset.Decide(command));

        Assert.Equal("patientCount", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once()
    {
        var command = Command() with
        {
            CollectionStart = new DateOnly(2027, 1, 1), CollectionEnd = new DateOnly(2026, 12, 1), RecordCount = 1, PatientCount = 2,
        };

        var error = Assert.Throws<RuleViolationException>(() => RegisterDataset.Decide(command));

        Assert.Equal(3, error.Violations.Count);
    }

    [Fact]
    public void A_registered_dataset_folds_into_an_active_dataset()
    {
        var registered = RegisterDataset.Decide(Command());

        var dataset = Dataset.Fold([registered]);

        Assert.NotNull(dataset);
        Assert.Equal(DatasetStatus.Active, dataset.Status);
        Assert.Equal(registered.PatientCount, dataset.PatientCount);
    }

    [Fact]
    public void A_stream_that_does_not_start_with_registration_cannot_be_folded()
    {
        var registered = RegisterDataset.Decide(Command());

        Assert.Throws<InvalidOperationException>(() => Dataset.Fold([registered, registered]));
    }

    [Fact]
    public void Every_event_in_the_catalog_has_a_unique_wire_name_and_a_dotted_past_tense_form()
    {
        var names = EventCatalog.All.Select(e => e.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, name => Assert.Matches("^[a-z-]+\\.[a-z-]+$", name));
        Assert.All(EventCatalog.All, e => Assert.True(e.SchemaVersion >= 1));
    }
}
