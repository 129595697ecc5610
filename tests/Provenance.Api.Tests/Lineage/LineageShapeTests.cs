using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Provenance.EventStore;
using Provenance.EventStore.Schema;

using Provenance.Testing;

namespace Provenance.Api.Tests.Lineage;

/// <summary>How a lineage answer is shaped: record detail, the reading tree, and the run upstream it is read from.</summary>
public sealed class LineageShapeTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private readonly LineageBuilder _ledger = new(api);

    [Fact]
    public async Task Records_are_summarized_unless_full_detail_is_asked_for()
    {
        var dataset = await _ledger.DatasetAsync("summarized");
        await _ledger.ClearAsync(dataset);
        var model = await _ledger.ModelTrainedOnAsync([dataset]);

        var summary = LineageBuilder.Node(await _ledger.LineageAsync(model), dataset);
        var full = LineageBuilder.Node(await api.Client.GetFromJsonAsync<JsonElement>($"/models/{model}/versions/1.0/lineage?detail=full"), dataset);

        var decision = summary.GetProperty("deidentificationDecisions")[0];
        Assert.Equal("not-phi", decision.GetProperty("method").GetString());
        Assert.Equal("approved", decision.GetProperty("outcome").GetString());
        Assert.False(decision.TryGetProperty("record", out _));
        var license = summary.GetProperty("licenses")[0];
        Assert.True(license.GetProperty("inForceOnDay").GetBoolean());
        Assert.Equal(["model-training"], license.GetProperty("permittedUsesOnDay").EnumerateArray().Select(u => u.GetString()));
        Assert.False(license.TryGetProperty("record", out _));

        Assert.Equal("synthetic", full.GetProperty("deidentificationDecisions")[0].GetProperty("record").GetProperty("decided").GetProperty("notPhi").GetProperty("justification").GetString());
        Assert.Equal("DUA", full.GetProperty("licenses")[0].GetProperty("record").GetProperty("granted").GetProperty("terms").GetProperty("documentReference").GetString());
        Assert.Equal(decision.GetProperty("decisionId").GetGuid(), full.GetProperty("deidentificationDecisions")[0].GetProperty("decisionId").GetGuid());
    }

    [Fact]
    public async Task Bug_14_a_lineage_answer_leaves_null_members_out_as_docs_lineage_md_says()
    {
        var model = await _ledger.ModelTrainedOnAsync([await _ledger.DatasetAsync("nulls left out")]);

        var answer = await _ledger.LineageAsync(model);

        Assert.False(answer.GetProperty("asOf").TryGetProperty("asOf", out _), "an answer as of now has no asOf instant");
        Assert.True(answer.GetProperty("asOf").GetProperty("position").GetInt64() > 0);
        static IEnumerable<JsonElement> All(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().SelectMany(p => All(p.Value).Prepend(p.Value)),
            JsonValueKind.Array => e.EnumerateArray().SelectMany(All),
            _ => [],
        };
        Assert.DoesNotContain(All(answer), v => v.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task An_unknown_detail_is_a_422_naming_the_choices()
    {
        using var response = await api.Client.GetAsync($"/models/{Guid.NewGuid()}/versions/1.0/lineage?detail=everything");

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Contains("summary", Assert.Single(Problems.Reasons(problem, "detail")));
    }

    [Fact]
    public async Task A_version_reached_again_is_listed_without_repeating_its_ancestry()
    {
        var root = await _ledger.DatasetAsync("root");
        var middle = await _ledger.DatasetAsync("middle", (root, "filter"));
        var left = await _ledger.DatasetAsync("left", (middle, "labeling"));
        var right = await _ledger.DatasetAsync("right", (middle, "tokenization"));
        var model = await _ledger.ModelTrainedOnAsync([left, right]);

        var tree = (await _ledger.LineageAsync(model)).GetProperty("tree").GetProperty("children")[0].GetProperty("children");

        var first = tree[0].GetProperty("children")[0];
        var again = tree[1].GetProperty("children")[0];
        Assert.Equal($"dataset-version:{middle}@1", first.GetProperty("id").GetString());
        Assert.Equal($"dataset-version:{middle}@1", again.GetProperty("id").GetString());
        Assert.False(first.GetProperty("deduped").GetBoolean());
        Assert.Equal($"dataset-version:{root}@1", first.GetProperty("children")[0].GetProperty("id").GetString());
        Assert.True(again.GetProperty("deduped").GetBoolean());
        Assert.Equal(0, again.GetProperty("children").GetArrayLength());
    }

    [Fact]
    public async Task The_migration_backfills_each_runs_upstream_as_the_projection_records_it()
    {
        var root = await _ledger.DatasetAsync("root");
        var left = await _ledger.DatasetAsync("left", (root, "filter"));
        var right = await _ledger.DatasetAsync("right", (root, "labeling"));
        var merged = await _ledger.DatasetAsync("merged", (left, "merge"), (right, "merge"));
        await _ledger.ModelTrainedOnAsync([merged, left]);
        await using var owner = NpgsqlDataSource.Create(api.OwnerConnectionString);
        var schema = api.Service<EventStoreOptions>().Schema;
        var projected = await UpstreamRowsAsync(owner, schema);
        // merged -> left, merged -> right, left -> root, right -> root: once each, though left is also an input.
        Assert.Equal(2, projected.Count(r => r.Contains($"|{merged}|", StringComparison.Ordinal)));
        Assert.Equal(4, projected.Count(r => r.Contains($"|{root}|", StringComparison.Ordinal) || r.Contains($"|{merged}|", StringComparison.Ordinal)));

        await using (var clear = owner.CreateCommand($"DELETE FROM {schema}.rm_lineage_run_upstream"))
        {
            await clear.ExecuteNonQueryAsync();
        }

        var migration = Migration.FromAssembly(typeof(Ledger.Lineage.LineageProjection).Assembly).Single(m => m.Version == 103);
        var backfill = migration.Sql[migration.Sql.IndexOf("WITH RECURSIVE", StringComparison.Ordinal)..].Replace("{schema}", schema, StringComparison.Ordinal);
        await using (var run = owner.CreateCommand(backfill))
        {
            await run.ExecuteNonQueryAsync();
        }

        Assert.Equal(projected, await UpstreamRowsAsync(owner, schema));
    }

    [Fact]
    public async Task The_etag_stays_while_nothing_the_answer_depends_on_changes_and_moves_when_an_upstream_stream_does()
    {
        var root = await _ledger.DatasetAsync("root");
        var curated = await _ledger.DatasetAsync("curated", (root, "filter"));
        var model = await _ledger.ModelTrainedOnAsync([curated]);
        var path = $"/models/{model}/versions/1.0/lineage";
        using var first = await api.Client.GetAsync(path);
        var etag = first.Headers.ETag!;
        var before = await first.Content.ReadAsStringAsync();

        await _ledger.DatasetAsync("unrelated");
        using var afterUnrelated = await api.Client.GetAsync(path);
        using var revalidated = await SendAsync(path, etag);

        Assert.Equal(etag, afterUnrelated.Headers.ETag);
        Assert.NotEqual(JsonDocument.Parse(before).RootElement.GetProperty("asOf").GetProperty("position").GetInt64(),
            (await afterUnrelated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("asOf").GetProperty("position").GetInt64());
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);

        // An event on the grandparent's stream changes what the answer says, so its tag.
        await _ledger.PostAsync($"/datasets/{root}/versions/1/consent-withdrawals",
            new { subjectCount = 1, effectiveOn = "2024-06-01", requiredActions = new[] { "exclude-from-future-training" } });
        using var changed = await SendAsync(path, etag);
        var lineage = await changed.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains("consent-withdrawn", LineageBuilder.Node(lineage, curated).GetProperty("clearanceToday").GetProperty("findings").EnumerateArray()
            .Select(f => f.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_new_protocol_covering_a_dataset_of_the_graph_is_seen_at_once()
    {
        var dataset = await _ledger.DatasetAsync("uncovered");
        var model = await _ledger.ModelTrainedOnAsync([dataset]);
        Assert.Equal(0, LineageBuilder.Node(await _ledger.LineageAsync(model), dataset).GetProperty("irbApprovals").GetArrayLength());

        // The protocol's stream is new: nothing the earlier answer depended on was touched.
        await _ledger.ProtocolAsync("26-000777", [dataset]);

        var approvals = LineageBuilder.Node(await _ledger.LineageAsync(model), dataset).GetProperty("irbApprovals");
        Assert.Equal("26-000777", Assert.Single(approvals.EnumerateArray()).GetProperty("protocolNumber").GetString());
    }

    [Fact]
    public async Task An_answer_as_of_an_instant_is_the_same_after_later_events()
    {
        var dataset = await _ledger.DatasetAsync("stable");
        var model = await _ledger.ModelTrainedOnAsync([dataset]);
        var at = DateTimeOffset.UtcNow.AddMilliseconds(50);
        var instant = Uri.EscapeDataString(at.ToString("O"));
        await Eventually.ClockPassesAsync(at);
        var path = $"/models/{model}/versions/1.0/lineage?asOf={instant}";
        var then = await api.Client.GetStringAsync(path);

        await _ledger.PostAsync($"/datasets/{dataset}/versions/1/consent-withdrawals",
            new { subjectCount = 1, effectiveOn = "2024-06-01", requiredActions = new[] { "exclude-from-future-training" } });

        Assert.Equal(then, await api.Client.GetStringAsync(path));
        Assert.NotEqual(then, await api.Client.GetStringAsync($"/models/{model}/versions/1.0/lineage"));
    }

    private Task<HttpResponseMessage> SendAsync(string path, System.Net.Http.Headers.EntityTagHeaderValue etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(etag);
        return api.Client.SendAsync(request);
    }

    [Fact]
    public async Task Projection_status_shows_each_projections_checkpoint_against_the_head()
    {
        await _ledger.DatasetAsync("status");

        var statuses = await api.Client.GetFromJsonAsync<JsonElement>("/admin/projections");

        var lineage = statuses.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "lineage");
        Assert.Equal("inline", lineage.GetProperty("mode").GetString());
        Assert.Equal(0, lineage.GetProperty("lag").GetInt64());
        Assert.Equal(lineage.GetProperty("head").GetInt64(), lineage.GetProperty("checkpoint").GetInt64());
        Assert.Contains(statuses.EnumerateArray(), s => s.GetProperty("name").GetString() == "catalog" && s.GetProperty("mode").GetString() == "async");
    }

    private static async Task<List<string>> UpstreamRowsAsync(NpgsqlDataSource owner, string schema)
    {
        await using var command = owner.CreateCommand(
            $"SELECT run_id, dataset_id, version, parent_dataset_id, parent_version, transformation, position FROM {schema}.rm_lineage_run_upstream ORDER BY 1, 2, 3, 4, 5");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue)));
        }

        return rows;
    }
}
