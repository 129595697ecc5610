using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Provenance.Domain.Datasets.ContributingVersion;

using Provenance.Testing;

namespace Provenance.Api.Tests.Lineage;

public sealed class LineageTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private readonly LineageBuilder _ledger = new(api);

    [Fact]
    public async Task A_diamond_reaches_its_shared_root_once_in_the_graph_and_along_both_paths_in_the_tree()
    {
        var root = await _ledger.DatasetAsync("root");
        var left = await _ledger.DatasetAsync("left", (root, "filter"));
        var right = await _ledger.DatasetAsync("right", (root, "labeling"));
        var merged = await _ledger.DatasetAsync("merged", (left, "merge"), (right, "merge"));
        var model = await _ledger.ModelTrainedOnAsync([merged]);

        var lineage = await _ledger.LineageAsync(model);

        Assert.Single(lineage.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("id").GetString() == $"dataset-version:{root}@1");
        Assert.Equal(4, LineageBuilder.Edges(lineage, "was-derived-from").Length);
        Assert.Single(LineageBuilder.Edges(lineage, "used"));
        Assert.Single(LineageBuilder.Edges(lineage, "was-generated-by"));
        var input = lineage.GetProperty("tree").GetProperty("children")[0].GetProperty("children")[0];
        Assert.Equal(2, input.GetProperty("children").GetArrayLength());
        Assert.All(input.GetProperty("children").EnumerateArray(), path => Assert.Equal($"dataset-version:{root}@1", path.GetProperty("children")[0].GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_depth_20_chain_is_followed_to_the_original_contribution()
    {
        var ids = new List<Guid> { await _ledger.DatasetAsync("level 0") };
        for (var level = 1; level < 20; level++)
        {
            ids.Add(await _ledger.DatasetAsync($"level {level}", (ids[^1], "filter")));
        }

        var lineage = await _ledger.LineageAsync(await _ledger.ModelTrainedOnAsync([ids[^1]]));

        Assert.Equal(20, lineage.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("kind").GetString() == "dataset-version"));
        Assert.Equal(19, LineageBuilder.Edges(lineage, "was-derived-from").Length);
        var depth = 0;
        var node = lineage.GetProperty("tree").GetProperty("children")[0].GetProperty("children")[0];
        while (node.GetProperty("children").GetArrayLength() > 0)
        {
            node = node.GetProperty("children")[0];
            depth++;
        }

        Assert.Equal(19, depth);
        Assert.Equal($"dataset-version:{ids[0]}@1", node.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_model_trained_on_hundreds_of_datasets_lists_every_one_with_its_clearance()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 150; i++)
        {
            ids.Add(await _ledger.DatasetAsync($"site {i}"));
        }

        await _ledger.ClearAsync(ids[0]);
        await _ledger.ProtocolAsync("BIG-1", [ids[0]]);
        var lineage = await _ledger.LineageAsync(await _ledger.ModelTrainedOnAsync(ids));

        Assert.Equal(150, LineageBuilder.Edges(lineage, "used").Length);
        var cleared = LineageBuilder.Node(lineage, ids[0]);
        Assert.True(cleared.GetProperty("clearanceAtTraining")[0].GetProperty("cleared").GetBoolean());
        var other = LineageBuilder.Node(lineage, ids[1]);
        Assert.Equal(["deidentification-missing", "irb-missing", "license-missing"],
            other.GetProperty("clearanceAtTraining")[0].GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!).Order().ToArray());
    }

    [Fact]
    public async Task A_consent_withdrawal_shows_what_must_be_retrained_downstream()
    {
        var root = await _ledger.DatasetAsync("consented cohort");
        var curated = await _ledger.DatasetAsync("curated cohort", (root, "filter"));
        var model = await _ledger.ModelTrainedOnAsync([curated]);
        await _ledger.PostAsync($"/datasets/{root}/versions/1/consent-withdrawals",
            new { subjectCount = 2, effectiveOn = "2024-06-01", requiredActions = new[] { "exclude-from-future-training", "retrain-affected-models" } });

        var impact = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{root}/versions/1/impact");
        var lineage = await _ledger.LineageAsync(model);

        Assert.Equal([root, curated], impact.GetProperty("datasetVersions").EnumerateArray().Select(v => v.GetProperty("datasetId").GetGuid()).ToArray());
        var affected = Assert.Single(impact.GetProperty("modelVersions").EnumerateArray());
        Assert.Equal(model, affected.GetProperty("modelId").GetGuid());
        Assert.Single(impact.GetProperty("trainingRuns").EnumerateArray());
        var todayCodes = LineageBuilder.Node(lineage, curated).GetProperty("clearanceToday").GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()).ToList();
        Assert.Contains("consent-withdrawn", todayCodes);
        Assert.Contains("parent-not-cleared", todayCodes);
        var atTraining = LineageBuilder.Node(lineage, root).GetProperty("clearanceAtTraining")[0].GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString());
        Assert.DoesNotContain("consent-withdrawn", atTraining);
    }

    [Fact]
    public async Task A_suspension_recorded_after_a_run_shows_only_as_of_later_instants()
    {
        var dataset = await _ledger.DatasetAsync("EHR");
        await _ledger.ClearAsync(dataset);
        var protocol = await _ledger.ProtocolAsync("21-004512", [dataset], expiresOn: "2030-01-01");
        var model = await _ledger.ModelTrainedOnAsync([dataset]);
        var before = (await _ledger.LineageAsync(model)).GetProperty("asOf").GetProperty("position").GetInt64();
        var beforeInstant = DateTimeOffset.UtcNow.ToString("O");
        await Eventually.ClockPassesAsync(DateTimeOffset.Parse(beforeInstant, System.Globalization.CultureInfo.InvariantCulture));
        await _ledger.PostAsync($"/irb/protocols/{protocol}/suspension", new { effectiveOn = "2024-03-01", reason = "noncompliance found in a retrospective audit" }, HttpStatusCode.OK);

        var asKnownThen = await _ledger.LineageAsync(model, beforeInstant);
        var asKnownNow = await _ledger.LineageAsync(model);

        Assert.Equal(before, asKnownThen.GetProperty("asOf").GetProperty("position").GetInt64());
        Assert.True(LineageBuilder.Node(asKnownThen, dataset).GetProperty("clearanceAtTraining")[0].GetProperty("cleared").GetBoolean());
        var now = LineageBuilder.Node(asKnownNow, dataset).GetProperty("clearanceAtTraining")[0];
        Assert.False(now.GetProperty("cleared").GetBoolean());
        Assert.Equal("irb-suspended", now.GetProperty("findings")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Lineage_as_of_before_the_model_existed_is_a_404()
    {
        var instant = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O");
        var model = await _ledger.ModelTrainedOnAsync([await _ledger.DatasetAsync("late")]);

        using var response = await api.Client.GetAsync($"/models/{model}/versions/1.0/lineage?asOf={Uri.EscapeDataString(instant)}");

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Protocol_usage_lists_the_datasets_runs_and_model_versions_that_relied_on_it()
    {
        var covered = await _ledger.DatasetAsync("covered");
        var derived = await _ledger.DatasetAsync("derived", (covered, "tokenization"));
        var unrelated = await _ledger.DatasetAsync("unrelated");
        var protocol = await _ledger.ProtocolAsync("USE-1", [covered]);
        var model = await _ledger.ModelTrainedOnAsync([derived]);
        await _ledger.ModelTrainedOnAsync([unrelated]);

        var usage = await api.Client.GetFromJsonAsync<JsonElement>($"/irb/protocols/{protocol}/usage");

        Assert.Equal([covered], usage.GetProperty("coveredDatasetIds").EnumerateArray().Select(e => e.GetGuid()).ToArray());
        var reliance = usage.GetProperty("reliance");
        Assert.Equal([covered, derived], reliance.GetProperty("datasetVersions").EnumerateArray().Select(v => v.GetProperty("datasetId").GetGuid()).ToArray());
        Assert.Equal([model], reliance.GetProperty("modelVersions").EnumerateArray().Select(m => m.GetProperty("modelId").GetGuid()).ToArray());
    }

    [Fact]
    public async Task A_rebuilt_lineage_read_model_answers_exactly_as_the_incremental_one()
    {
        var root = await _ledger.DatasetAsync("root");
        var child = await _ledger.DatasetAsync("child", (root, "filter"));
        var model = await _ledger.ModelTrainedOnAsync([child]);
        var incremental = (await _ledger.LineageAsync(model)).ToString();

        var rebuilt = await _ledger.PostAsync("/admin/projections/lineage/rebuild", new { }, HttpStatusCode.OK);

        Assert.True(rebuilt.GetProperty("eventsReplayed").GetInt64() > 0);
        Assert.Equal(incremental, (await _ledger.LineageAsync(model)).ToString());
        using var unknown = await api.Client.PostAsJsonAsync("/admin/projections/nope/rebuild", new { });
        await Problems.AssertAsync(unknown, HttpStatusCode.NotFound, "not-found");
    }
}

public sealed class TimeTravelTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task State_and_clearance_reads_answer_as_the_ledger_stood_at_an_instant()
    {
        var ledger = new LineageBuilder(api);
        var dataset = await ledger.DatasetAsync("EHR");
        await ledger.ClearAsync(dataset);
        var protocol = await ledger.ProtocolAsync("TT-1", [dataset]);
        var before = DateTimeOffset.UtcNow.ToString("O");
        await Eventually.ClockPassesAsync(DateTimeOffset.Parse(before, System.Globalization.CultureInfo.InvariantCulture));
        await ledger.PostAsync($"/irb/protocols/{protocol}/suspension", new { effectiveOn = "2024-01-02", reason = "audit" }, HttpStatusCode.OK);
        await ledger.PostAsync($"/datasets/{dataset}/retirement", new { reason = "superseded" }, HttpStatusCode.OK);
        string At(string path) => $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}asOf={Uri.EscapeDataString(before)}";

        var protocolThen = await api.Client.GetFromJsonAsync<JsonElement>(At($"/irb/protocols/{protocol}"));
        var protocolNow = await api.Client.GetFromJsonAsync<JsonElement>($"/irb/protocols/{protocol}");
        var datasetThen = await api.Client.GetFromJsonAsync<JsonElement>(At($"/datasets/{dataset}"));
        var clearanceThen = await api.Client.GetFromJsonAsync<JsonElement>(At($"/datasets/{dataset}/versions/1/clearance?on=2024-03-13"));
        var clearanceNow = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{dataset}/versions/1/clearance?on=2024-03-13");

        Assert.Equal("active", protocolThen.GetProperty("status").GetString());
        Assert.Equal("suspended", protocolNow.GetProperty("status").GetString());
        Assert.Equal("active", datasetThen.GetProperty("status").GetString());
        Assert.True(clearanceThen.GetProperty("cleared").GetBoolean());
        Assert.Equal("irb-suspended", clearanceNow.GetProperty("findings")[0].GetProperty("code").GetString());
    }
}

public sealed class ClearanceSearchTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Datasets_are_searched_by_whether_their_latest_version_is_cleared_on_a_day()
    {
        var ledger = new LineageBuilder(api);
        var cleared = await ledger.DatasetAsync("cleared one");
        var blocked = await ledger.DatasetAsync("blocked one");
        await ledger.ClearAsync(cleared);
        await ledger.ClearAsync(blocked);
        await ledger.ProtocolAsync("CS-1", [cleared, blocked]);
        await ledger.PostAsync($"/datasets/{blocked}/versions/1/quarantine", new { reason = "found names in free text" }, HttpStatusCode.OK);
        var institution = Uri.EscapeDataString("Mercy Regional Health");

        var yes = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets?institution={institution}&cleared=true&on=2030-01-01&limit=500");
        var no = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets?institution={institution}&cleared=false&on=2030-01-01&limit=500");

        var yesIds = yes.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        var noIds = no.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(cleared, yesIds);
        Assert.DoesNotContain(blocked, yesIds);
        Assert.Contains(blocked, noIds);
        Assert.DoesNotContain(cleared, noIds);
    }
}

public sealed class LineageDetailTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_malformed_as_of_is_a_400_naming_it()
    {
        using var response = await api.Client.GetAsync($"/models/{Guid.NewGuid()}/versions/1.0/lineage?asOf=yesterday");

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "malformed-request");
        Assert.Single(Problems.Reasons(problem, "asOf"));
    }

    [Fact]
    public async Task Nodes_show_each_protocols_status_on_the_day_and_how_each_version_was_made()
    {
        var ledger = new LineageBuilder(api);
        var raw = await ledger.DatasetAsync("raw notes");
        var scrubbed = await ledger.DatasetAsync("scrubbed notes", (raw, "deidentification"));
        var tokens = await ledger.DatasetAsync("tokens", (scrubbed, "tokenization"));
        await ledger.ProtocolAsync("EXP-1", [raw, scrubbed, tokens], expiresOn: "2025-01-01");
        var model = await ledger.ModelTrainedOnAsync([tokens]);

        var lineage = await ledger.LineageAsync(model);
        var impact = await api.Client.GetFromJsonAsync<JsonElement>($"/datasets/{raw}/versions/1/impact");

        Assert.Equal("expired", LineageBuilder.Node(lineage, tokens).GetProperty("irbApprovals")[0].GetProperty("statusOnDay").GetString());
        var tokensInTree = lineage.GetProperty("tree").GetProperty("children")[0].GetProperty("children")[0];
        Assert.Equal("tokenization", tokensInTree.GetProperty("transformation").GetString());
        Assert.Equal("deidentification", tokensInTree.GetProperty("children")[0].GetProperty("transformation").GetString());
        Assert.False(tokensInTree.GetProperty("truncated").GetBoolean());
        foreach (var graph in new[] { lineage, impact })
        {
            var rawCodes = LineageBuilder.Node(graph, raw).GetProperty("clearanceToday").GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString());
            Assert.DoesNotContain("deidentification-missing", rawCodes);
        }
    }
}

public sealed class InlineProjectionStartupTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_lineage_read_model_behind_the_log_is_rebuilt_before_a_restarted_service_answers()
    {
        var ledger = new LineageBuilder(api);
        var model = await ledger.ModelTrainedOnAsync([await ledger.DatasetAsync("before the projection existed")]);
        var expected = (await ledger.LineageAsync(model)).GetProperty("nodes").ToString();
        await using (var connection = new Npgsql.NpgsqlConnection(api.AppConnectionString))
        {
            await connection.OpenAsync();
            await using var wipe = new Npgsql.NpgsqlCommand(
                "DELETE FROM provenance.rm_lineage_training_inputs; DELETE FROM provenance.rm_lineage_training_runs; " +
                "DELETE FROM provenance.rm_lineage_derivations; DELETE FROM provenance.rm_lineage_dataset_versions; DELETE FROM provenance.rm_lineage_irb_coverage; " +
                "UPDATE provenance.projection_checkpoints SET position = 0 WHERE name = 'lineage'", connection);
            await wipe.ExecuteNonQueryAsync();
        }

        await using var restarted = api.NewInstance();
        using var client = api.AdminClientOf(restarted);
        var lineage = await client.GetFromJsonAsync<JsonElement>($"/models/{model}/versions/1.0/lineage");

        Assert.Equal(expected, lineage.GetProperty("nodes").ToString());
    }
}
