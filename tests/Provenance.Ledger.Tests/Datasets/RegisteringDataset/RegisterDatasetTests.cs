using Provenance.Domain.Common;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.Ledger.Datasets.RegisteringDataset;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Tests.Datasets.RegisteringDataset;

/// <summary>The register-dataset slice through the mediator: parsed, authorized, decided, appended once.</summary>
public sealed class RegisterDatasetTests(SliceFixture ledger) : IClassFixture<SliceFixture>
{
    private const string Institution = "Mercy Regional Health";

    private static RegisterDatasetRequest Valid(string name = "Mercy structured EHR 2019-2023", string institution = Institution) =>
        new(name, "Encounters, diagnoses, labs and medications of adult inpatients.", "Dana Whitfield, Data Governance", institution,
            "structured-ehr", new DatePeriod(new DateOnly(2019, 1, 1), new DateOnly(2023, 12, 31)), 1_250_000, 310_000);

    [Fact]
    public async Task A_registration_appends_one_dataset_registered_event_made_by_the_caller()
    {
        var result = await ledger.SendAsync(new RegisterDatasetCommand(Valid()), Caller.Steward(Institution));

        var recorded = Assert.Single(await ledger.StreamAsync(result.Id));
        Assert.Equal(SliceFixture.WireName<DatasetRegistered>(), recorded.EventType);
        var registered = Assert.IsType<DatasetRegistered>(recorded.Data);
        Assert.Equal((1_250_000, 310_000), (registered.RecordCount, registered.PatientCount));
        Assert.Equal($"steward@{Institution}", registered.RegisteredBy);
        Assert.Equal($"steward@{Institution}", recorded.Metadata.ActorId);
        Assert.Equal("steward", recorded.Metadata.ActorRole);
        Assert.Equal($"/datasets/{result.Id}", result.Location);
    }

    [Fact]
    public async Task Every_wrong_field_is_named_at_once_and_nothing_is_written()
    {
        var before = await ledger.CountEventsAsync();
        var body = Valid() with { Name = " ", Modality = "hologram", CollectionPeriod = new DatePeriod(null, null), RecordCount = -1 };

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => ledger.SendAsync(new RegisterDatasetCommand(body)));

        Assert.Equal(["collectionPeriod.end", "collectionPeriod.start", "modality", "name", "recordCount"], error.Errors.Keys.Order());
        Assert.Equal(before, await ledger.CountEventsAsync());
    }

    [Fact]
    public async Task A_steward_registers_only_for_their_own_institution()
    {
        var before = await ledger.CountEventsAsync();

        await Assert.ThrowsAsync<ForbiddenException>(() =>
            ledger.SendAsync(new RegisterDatasetCommand(Valid(institution: "Lakeshore Health System")), Caller.Steward(Institution)));

        Assert.Equal(before, await ledger.CountEventsAsync());
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_is_answered_from_the_first_and_writes_nothing()
    {
        var command = new RegisterDatasetCommand(Valid("Retried registration"));
        var first = await ledger.SendAsync(command, idempotencyKey: "register-once", requestText: "same body");
        var before = await ledger.CountEventsAsync();

        var second = await ledger.SendAsync(command, idempotencyKey: "register-once", requestText: "same body");

        Assert.Equal(first.Id, second.Id);
        Assert.True(second.Replayed);
        Assert.Equal(before, await ledger.CountEventsAsync());
    }

    [Fact]
    public async Task A_registration_that_breaks_a_rule_is_refused_with_the_rule()
    {
        var body = Valid() with { RecordCount = 10, PatientCount = 11 };

        var error = await Assert.ThrowsAsync<RuleViolationException>(() => ledger.SendAsync(new RegisterDatasetCommand(body)));

        var violation = Assert.Single(error.Violations);
        Assert.Equal(("patientCount", "more-patients-than-records"), (violation.Field, violation.Code));
    }
}
