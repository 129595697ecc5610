using Provenance.Domain.Licenses;
using Provenance.Ledger.Datasets.RegisteringDataset;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Licenses;
using Provenance.Ledger.Licenses.GrantingLicense;

namespace Provenance.Ledger.Tests.Licenses.GrantingLicense;

/// <summary>The grant-license slice through the mediator: the precondition first, then the dataset's rules, then one event.</summary>
public sealed class GrantLicenseTests(SliceFixture ledger) : IClassFixture<SliceFixture>
{
    private static readonly LicenseTermsRequest Terms = new(["research"], null, null, "DUA-2026-014", new string('a', 64));

    private static GrantLicenseRequest Grant() =>
        new("data-use-agreement", null, ["Mercy Regional Health", "Frontier Labs"], null, "US", new DateOnly(2026, 1, 1), Terms);

    private async Task<CommandResult> RegisterAsync() => await ledger.SendAsync(new RegisterDatasetCommand(new RegisterDatasetRequest(
        "Licensed EHR", null, "Dana Whitfield", "Mercy Regional Health", "structured-ehr",
        new DatePeriod(new DateOnly(2020, 1, 1), new DateOnly(2024, 12, 31)), 1_000, 900)));

    [Fact]
    public async Task A_grant_appends_license_granted_to_the_dataset_at_the_stated_version()
    {
        var dataset = await RegisterAsync();

        var granted = await ledger.SendAsync(new GrantLicenseCommand(dataset.Id, new Precondition(dataset.Version, $"\"{dataset.Version}\""), Grant()));

        var events = await ledger.StreamAsync(dataset.Id);
        var license = Assert.IsType<LicenseGranted>(events[^1].Data);
        Assert.Equal(2, granted.Version);
        Assert.Equal(LicenseKind.DataUseAgreement, license.Kind);
        Assert.Equal(["Mercy Regional Health", "Frontier Labs"], license.Parties);
        Assert.Equal($"/datasets/{dataset.Id}/licenses/{license.LicenseId}", granted.Location);
    }

    [Fact]
    public async Task A_stale_precondition_is_refused_before_anything_else_and_writes_nothing()
    {
        var dataset = await RegisterAsync();
        var before = await ledger.CountEventsAsync();

        var error = await Assert.ThrowsAsync<PreconditionFailedException>(() =>
            ledger.SendAsync(new GrantLicenseCommand(dataset.Id, new Precondition(dataset.Version + 5, "\"6\""), Grant())));

        Assert.Equal(dataset.Version, error.CurrentVersion);
        Assert.Equal(before, await ledger.CountEventsAsync());
    }

    [Fact]
    public async Task A_grant_on_a_dataset_that_does_not_exist_is_not_found()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => ledger.SendAsync(new GrantLicenseCommand(Guid.CreateVersion7(), null, Grant())));
    }
}
