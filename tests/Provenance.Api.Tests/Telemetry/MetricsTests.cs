using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Provenance.Domain.Access;
using Provenance.Testing;

namespace Provenance.Api.Tests.Telemetry;

[Collection(ProcessWideTelemetry.Name)]
public sealed partial class MetricsTests(TelemetryFixture api) : IClassFixture<TelemetryFixture>
{
    private const string Appends = "provenance_appends_total";
    private const string EventsWritten = "provenance_events_written_total";
    private const string Refusals = "provenance_rule_refusals_total";

    [Fact]
    public async Task The_scrape_endpoint_admits_administrators_and_the_scrape_credential_only()
    {
        using var anonymous = api.Anonymous();
        using var steward = api.ClientWithKey(await api.IssueKeyAsync("metrics-steward", [Role.Steward], ApiFixture.Institution));
        using var wrong = api.Anonymous();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TelemetryFixture.ScrapeToken + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await steward.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/metrics")).StatusCode);
        using var byAdmin = await api.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.StartsWith("text/plain", byAdmin.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        using var scraper = Scraper();
        Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task After_appends_the_counters_have_moved_by_exactly_what_was_written_replayed_and_refused()
    {
        using var scraper = Scraper();
        var before = await ScrapeAsync(scraper);

        // Three registrations (one event each), one idempotent retry of the first, one rule refusal.
        var key = "metrics-" + Guid.NewGuid().ToString("N");
        var created = new List<Uri>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset($"Metrics dataset {i}"), idempotencyKey: i == 0 ? key : null));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            created.Add(response.Headers.Location!);
        }

        using (var retry = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("Metrics dataset 0"), idempotencyKey: key)))
        {
            Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
            Assert.Equal(created[0], retry.Headers.Location);
        }

        using (var retired = await api.Client.SendAsync(Requests.Post($"{created[1]}/retirement", new { reason = "Superseded." })))
        {
            Assert.True(retired.IsSuccessStatusCode, await retired.Content.ReadAsStringAsync());
        }

        using (var again = await api.Client.SendAsync(Requests.Post($"{created[1]}/retirement", new { reason = "Twice." })))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        }

        var after = await Eventually.ReturnsAsync(() => ScrapeAsync(scraper),
            s => Delta(before, s, Appends, ("outcome", "appended")) >= 4 && Delta(before, s, Refusals, ("provenance_rule_code", "already-retired")) >= 1,
            "the scrape shows the appends and the refusal");

        Assert.Equal(4, Delta(before, after, Appends, ("outcome", "appended")));
        Assert.Equal(1, Delta(before, after, "provenance_idempotent_replays_total"));
        Assert.Equal(3, Delta(before, after, EventsWritten, ("event_type", "dataset.registered")));
        Assert.Equal(1, Delta(before, after, EventsWritten, ("event_type", "dataset.retired")));
        Assert.Equal(4, Delta(before, after, EventsWritten));
        Assert.Equal(1, Delta(before, after, Refusals, ("provenance_rule_code", "already-retired")));
        Assert.Equal(1, Delta(before, after, Refusals));
        // Every append's latency is in the histogram; every committed transaction's batch size too.
        Assert.Equal(4, Delta(before, after, "provenance_append_duration_seconds_count"));
        Assert.InRange(Delta(before, after, "provenance_group_commit_batch_size_count"), 1, 4);
    }

    [Fact]
    public async Task The_state_gauges_report_each_projection_the_tree_and_the_checkpoint_age()
    {
        using var scraper = Scraper();
        using (var registered = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("Gauged dataset"))))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        using (var checkpoint = await api.Client.PostAsync("/checkpoints", null))
        {
            Assert.True(checkpoint.IsSuccessStatusCode);
        }

        // Sampled every 200 ms here: the projections catch up, the tree too, and the checkpoint is young.
        var scrape = await Eventually.ReturnsAsync(() => ScrapeAsync(scraper),
            s => s.Has("provenance_checkpoint_age_seconds") && s.Has("provenance_integrator_lag") &&
                 s.Sum("provenance_integrator_lag") == 0 && s.Has("provenance_projection_lag", ("provenance_projection", "catalog")) &&
                 s.Sum("provenance_projection_lag") == 0,
            "the gauges show every projection and the tree level with the log");
        Assert.InRange(scrape.Sum("provenance_checkpoint_age_seconds"), 0, 60);
        Assert.True(scrape.Has("provenance_projection_lag", ("provenance_projection", "lineage")), scrape.Text);
    }

    [Fact]
    public async Task The_scrape_carries_http_database_and_runtime_metrics_with_no_label_of_unbounded_cardinality()
    {
        using var scraper = Scraper();
        using (var response = await api.Client.GetAsync($"/datasets/{Guid.NewGuid()}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // The scrape answer is cached for a moment: wait for one that has the request.
        var scrape = await Eventually.ReturnsAsync(() => ScrapeAsync(scraper),
            s => s.Has("http_server_request_duration_seconds_count", ("http_route", "/datasets/{id:guid}"), ("http_response_status_code", "404")),
            "the scrape shows the request by its route and status");

        Assert.Contains(scrape.Names, n => n.StartsWith("db_client_", StringComparison.Ordinal));
        Assert.Contains(scrape.Names, n => n.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        // Ids never become labels: no label value anywhere looks like a GUID.
        Assert.DoesNotContain(scrape.LabelsOf("").Where(l => l.Metric != "target_info"), l => Guid.TryParse(l.Value, out _) || l.Value.Contains("Metrics dataset", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_metric_the_grafana_dashboard_plots_is_one_the_service_exports()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Repository.PathOf("deploy/grafana/provenance-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.GetProperty("type").GetString() != "row")
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();
        var plotted = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("provenance_appends_total", plotted);

        // Everything the dashboard plots happens here at least once, whatever ran before in this process:
        // a write, its idempotent retry, a rule refusal, a checkpoint, an export.
        var key = "dashboard-" + Guid.NewGuid().ToString("N");
        Uri? dataset = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var registered = await api.Client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("Dashboard dataset"), idempotencyKey: key));
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            dataset = registered.Headers.Location;
        }

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var retired = await api.Client.SendAsync(Requests.Post($"{dataset}/retirement", new { reason = "Superseded." }));
            Assert.Equal(attempt == 0, retired.IsSuccessStatusCode);
        }

        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        using (var bundle = await api.Client.GetAsync($"/audit-bundles?kind=time-range&from=2000-01-01T00:00:00Z&to={to}"))
        {
            Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
            await bundle.Content.ReadAsByteArrayAsync();
        }

        using var scraper = Scraper();
        // Witnesses are not configured here: their two metrics are tested with two in WitnessingTests.
        var expected = plotted.Where(n => !n.StartsWith("provenance_witness_", StringComparison.Ordinal)).ToList();
        var scrape = await Eventually.ReturnsAsync(() => ScrapeAsync(scraper), s => expected.All(n => s.Names.Contains(n)),
            "the scrape has every series the dashboard plots");
        Assert.All(expected, n => Assert.Contains(n, scrape.Names));
        Assert.True(scrape.Sum("provenance_export_events_total", ("provenance_export_scope", "time-range")) > 0, scrape.Text);
    }

    [GeneratedRegex(@"\b([a-z][a-z0-9_]*)\{")]
    private static partial Regex MetricName();

    private HttpClient Scraper()
    {
        var client = api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TelemetryFixture.ScrapeToken);
        return client;
    }

    private static async Task<PrometheusText> ScrapeAsync(HttpClient scraper) => new(await scraper.GetStringAsync("/metrics"));

    internal static double Delta(PrometheusText before, PrometheusText after, string name, params (string Name, string Value)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);
}
