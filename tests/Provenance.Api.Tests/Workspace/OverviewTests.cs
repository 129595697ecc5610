using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Testing;

namespace Provenance.Api.Tests.Workspace;

/// <summary>
/// #21: the overview's counts and attention list on a ledger built for it (a database of its own):
/// a consent withdrawal that reaches a released model version, an IRB approval expiring within 30
/// days (and one that is not), a license expiring within 60 days on data the model was trained on,
/// and a monitoring finding; and, as of an instant before the withdrawal, no withdrawal.
/// </summary>
public sealed class OverviewTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_overview_counts_the_ledger_and_lists_what_needs_attention_on_the_day_and_as_of_an_instant()
    {
        var ledger = new LineageBuilder(api);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        string Day(int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var notes = await ledger.DatasetAsync("Overview notes");
        await ledger.ClearAsync(notes);
        await ledger.PostAsync($"/datasets/{notes}/licenses", new
        {
            kind = "data-use-agreement", parties = new[] { "A", "B" }, territory = "US", effectiveOn = "2024-01-01",
            terms = new { permittedUses = new[] { "model-training" }, expiresOn = Day(45), documentReference = "DUA-45", documentSha256 = new string('f', 64) },
        });
        var license = (await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{notes}")).GetProperty("licenses").EnumerateArray()
            .Single(l => l.GetProperty("granted").GetProperty("terms").GetProperty("documentReference").GetString() == "DUA-45")
            .GetProperty("granted").GetProperty("licenseId").GetGuid();
        var soon = await ledger.ProtocolAsync("OV-20", [notes], expiresOn: Day(20));
        await ledger.ProtocolAsync("OV-200", [notes], expiresOn: Day(200));
        var model = await ledger.ModelTrainedOnAsync([notes]);
        await ledger.PostAsync($"/models/{model}/versions/1.0/release", new { notes = "for the overview" }, HttpStatusCode.OK);
        await ledger.PostAsync($"/models/{model}/versions/1.0/monitoring-findings", new
        {
            kind = "data-drift", severity = "high", description = "Note templates changed at one site.", actionTaken = "Site excluded pending review.",
            observedOn = "2024-12-15",
        });
        var beforeWithdrawal = DateTimeOffset.UtcNow;
        await Eventually.ClockPassesAsync(beforeWithdrawal);
        await ledger.PostAsync($"/datasets/{notes}/versions/1/consent-withdrawals", new
        {
            subjectCount = 4, effectiveOn = "2024-05-01", requiredActions = new[] { "exclude-from-future-training" },
        });

        var overview = await api.Client.GetFromJsonAsync<JsonElement>("/overview");

        var counts = overview.GetProperty("counts");
        Assert.Equal(1, counts.GetProperty("datasets").GetInt64());
        Assert.Equal(1, counts.GetProperty("datasetVersions").GetInt64());
        Assert.Equal(1, counts.GetProperty("models").GetInt64());
        Assert.Equal(1, counts.GetProperty("modelVersions").GetInt64());
        Assert.Equal(2, counts.GetProperty("irbProtocols").GetInt64());
        var items = overview.GetProperty("attention").EnumerateArray().ToList();
        JsonElement One(string kind) => Assert.Single(items, i => i.GetProperty("kind").GetString() == kind);

        var withdrawal = One("consent-withdrawal-reaches-released-model");
        Assert.Equal(notes, withdrawal.GetProperty("datasetId").GetGuid());
        Assert.Equal(1, withdrawal.GetProperty("datasetVersion").GetInt32());
        Assert.Equal(model, withdrawal.GetProperty("modelId").GetGuid());
        Assert.Contains("4 subject(s) of Overview notes v1 withdrew consent", withdrawal.GetProperty("text").GetString(), StringComparison.Ordinal);

        var protocol = One("irb-approval-expiring");
        Assert.Equal(soon, protocol.GetProperty("protocolId").GetGuid());
        Assert.Equal(30, protocol.GetProperty("withinDays").GetInt32());
        Assert.Equal(Day(20), protocol.GetProperty("due").GetString());

        var expiring = One("license-expiring");
        Assert.Equal(notes, expiring.GetProperty("datasetId").GetGuid());
        Assert.Equal(60, expiring.GetProperty("withinDays").GetInt32());
        Assert.Equal(model, expiring.GetProperty("modelId").GetGuid());
        Assert.Contains("DUA-45", expiring.GetProperty("text").GetString(), StringComparison.Ordinal);

        var finding = One("monitoring-finding");
        Assert.Equal("1.0", finding.GetProperty("modelVersion").GetString());
        Assert.Contains("Note templates changed at one site.", finding.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, items.Count);

        // The license terminated: it is listed as terminated, no longer as expiring.
        await ledger.PostAsync($"/datasets/{notes}/licenses/{license}/termination", new { effectiveOn = Day(-1), reason = "The partner ended the agreement." }, HttpStatusCode.OK);
        var after = await api.Client.GetFromJsonAsync<JsonElement>("/overview");
        var kinds = after.GetProperty("attention").EnumerateArray().Select(i => i.GetProperty("kind").GetString()).ToList();
        Assert.Contains("license-terminated", kinds);
        Assert.DoesNotContain("license-expiring", kinds);

        // As of before the withdrawal, the ledger knew of none.
        var then = await api.Client.GetFromJsonAsync<JsonElement>($"/overview?asOf={Uri.EscapeDataString(beforeWithdrawal.ToString("O", CultureInfo.InvariantCulture))}");
        Assert.DoesNotContain(then.GetProperty("attention").EnumerateArray(), i => i.GetProperty("kind").GetString() == "consent-withdrawal-reaches-released-model");
        Assert.True(then.GetProperty("counts").GetProperty("events").GetInt64() < overview.GetProperty("counts").GetProperty("events").GetInt64());
    }
}
