using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Testing;

namespace Provenance.Api.Tests.Workspace;

/// <summary>
/// #21: a dataset's review, the dataset page's one answer: each version's clearance on a chosen day
/// (the same verdict as the clearance endpoint), the IRB protocols that covered it over time, and
/// what lies downstream, all at one log position, and as of an instant before the derivation.
/// </summary>
public sealed class DatasetReviewTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly ManifestFile[] SecondFiles = [new("part-1.parquet", 20, new string('b', 64))];

    [Fact]
    public async Task A_review_gives_each_version_its_clearance_on_the_day_the_irb_coverage_over_time_and_what_lies_downstream()
    {
        var ledger = new LineageBuilder(api);
        var source = await ledger.DatasetAsync("Review source");
        await ledger.ClearAsync(source);
        var other = await ledger.DatasetAsync("Review other");
        var protocol = await ledger.ProtocolAsync("RV-1", [source]);
        await ledger.PostAsync($"/irb/protocols/{protocol}/amendments", new
        {
            effectiveOn = "2024-06-01", summary = "The source leaves the protocol.",
            terms = new { permittedUses = new[] { "model-training" }, coveredDatasetIds = new[] { other } },
        }, HttpStatusCode.OK);
        await ledger.PostAsync($"/datasets/{source}/versions", new
        {
            files = SecondFiles.Select(f => new { path = f.Path, byteSize = f.ByteSize, sha256 = f.Sha256 }), recordCount = 20,
            fingerprint = Manifest.Fingerprint(SecondFiles), storageUri = "s3://bucket/y/", contributedAt = "2024-02-02T00:00:00Z",
        });
        var beforeDerivation = DateTimeOffset.UtcNow;
        await Eventually.ClockPassesAsync(beforeDerivation);
        var child = await ledger.DatasetAsync("Review child", (source, "filter"));
        var model = await ledger.ModelTrainedOnAsync([child]);

        var review = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{source}/review?on=2024-03-01");

        Assert.Equal("2024-03-01", review.GetProperty("day").GetString());
        Assert.Equal(source, review.GetProperty("dataset").GetProperty("id").GetGuid());
        var clearance = review.GetProperty("clearance").EnumerateArray().ToList();
        Assert.Equal([1, 2], clearance.Select(c => c.GetProperty("version").GetProperty("version").GetInt32()));
        Assert.Empty(clearance[0].GetProperty("findings").EnumerateArray());
        // v2 has no de-identification decision of its own.
        Assert.NotEmpty(clearance[1].GetProperty("findings").EnumerateArray());
        foreach (var (entry, version) in clearance.Select((c, i) => (c, i + 1)))
        {
            var alone = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{source}/versions/{version}/clearance?on=2024-03-01");
            Assert.Equal(alone.GetProperty("findings").GetRawText(), entry.GetProperty("findings").GetRawText());
        }

        var coverage = Assert.Single(review.GetProperty("irbCoverage").EnumerateArray());
        Assert.Equal(protocol, coverage.GetProperty("protocolId").GetGuid());
        Assert.True(coverage.GetProperty("coversOnDay").GetBoolean());
        var periods = coverage.GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal(2, periods.Count);
        Assert.Equal(("2024-01-01", "2024-06-01", true), (periods[0].GetProperty("from").GetString(), periods[0].GetProperty("until").GetString(), periods[0].GetProperty("covers").GetBoolean()));
        Assert.Equal(("2024-06-01", JsonValueKind.Null, false), (periods[1].GetProperty("from").GetString(), periods[1].GetProperty("until").ValueKind, periods[1].GetProperty("covers").GetBoolean()));

        var downstream = review.GetProperty("downstream");
        var versions = downstream.GetProperty("datasetVersions").EnumerateArray().Select(v => (v.GetProperty("datasetId").GetGuid(), v.GetProperty("version").GetInt32())).ToList();
        Assert.Contains((child, 1), versions);
        Assert.Equal(model, Assert.Single(downstream.GetProperty("modelVersions").EnumerateArray()).GetProperty("modelId").GetGuid());

        // After the amendment, v1 is no longer covered, and says so.
        var later = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{source}/review?on=2024-07-01");
        Assert.False(Assert.Single(later.GetProperty("irbCoverage").EnumerateArray()).GetProperty("coversOnDay").GetBoolean());
        Assert.Contains(later.GetProperty("clearance")[0].GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("code").GetString()!.StartsWith("irb-", StringComparison.Ordinal));

        // As of an instant before the derivation: nothing downstream yet, the day is the instant's.
        var then = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{source}/review?asOf={Uri.EscapeDataString(beforeDerivation.ToString("O"))}");
        Assert.Equal(DateOnly.FromDateTime(beforeDerivation.UtcDateTime).ToString("yyyy-MM-dd"), then.GetProperty("day").GetString());
        Assert.Empty(then.GetProperty("downstream").GetProperty("modelVersions").EnumerateArray());
        Assert.DoesNotContain(then.GetProperty("downstream").GetProperty("datasetVersions").EnumerateArray(), v => v.GetProperty("datasetId").GetGuid() == child);
        Assert.True(then.GetProperty("asOf").GetProperty("position").GetInt64() < review.GetProperty("asOf").GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task A_review_of_an_unknown_dataset_or_of_one_before_it_existed_is_not_found()
    {
        using var unknown = await api.Client.GetAsync($"/datasets/{Guid.NewGuid()}/review");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        var before = DateTimeOffset.UtcNow;
        await Eventually.ClockPassesAsync(before);
        var dataset = await new LineageBuilder(api).DatasetAsync("Review later");
        using var early = await api.Client.GetAsync($"/datasets/{dataset}/review?asOf={Uri.EscapeDataString(before.ToString("O"))}");
        Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);

        using var bad = await api.Client.GetAsync($"/datasets/{dataset}/review?on=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
