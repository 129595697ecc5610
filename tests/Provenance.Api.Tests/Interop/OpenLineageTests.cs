using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Provenance.Api.Tests.Models;

namespace Provenance.Api.Tests.Interop;

/// <summary>#19: a model version's lineage as OpenLineage 2-0-2 RunEvents, each valid against the official schema and its facets' schemas.</summary>
public sealed class OpenLineageTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    /// <summary>The events the API answers for a model version, one per NDJSON line.</summary>
    internal static async Task<List<JsonObject>> EventsAsync(HttpClient client, Guid model, string version)
    {
        using var response = await client.GetAsync($"/models/{model}/versions/{version}/openlineage");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject())];
    }

    /// <summary>The custom facets' schemas, as the API serves them (anonymously), by their address.</summary>
    internal static async Task<Dictionary<string, string>> CustomFacetSchemasAsync(HttpClient anonymous)
    {
        var schemas = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Ledger.Interop.OpenLineage.OpenLineageFacetSchemas.Names)
        {
            var text = await anonymous.GetStringAsync($"/openlineage/facets/{name}.json");
            schemas[JsonNode.Parse(text)!["$id"]!.GetValue<string>()] = text;
        }

        return schemas;
    }

    [Fact]
    public async Task Each_training_run_is_a_start_and_a_complete_event_valid_against_the_spec_and_every_facet_schema()
    {
        var ledger = await DeviceLedger.CreateAsync(api, withPlan: false);
        var custom = await CustomFacetSchemasAsync(api.Anonymous());

        var events = await EventsAsync(api.Client, ledger.Model, "1.0");

        Assert.Equal(["START", "COMPLETE"], events.Select(e => e["eventType"]!.GetValue<string>()));
        Assert.All(events, e => Assert.Empty(StandardSchemas.ValidateOpenLineage(e, custom)));
        Assert.Single(events.Select(e => e["run"]!["runId"]!.GetValue<string>()).Distinct());
        var input = events[0]["inputs"]![0]!;
        Assert.Equal($"datasets/{ledger.Original:D}/versions/1", input["name"]!.GetValue<string>());
        Assert.Equal(LineageBuilder.Fingerprint, input["facets"]!["version"]!["datasetVersion"]!.GetValue<string>());
        Assert.True(input["facets"]!["provenance_clearance"]!["cleared"]!.GetValue<bool>());
        Assert.Equal("waiver-or-alteration", input["facets"]!["provenance_irbCoverage"]!["protocols"]![0]!["consentBasis"]!.GetValue<string>());
        Assert.Equal($"models/{ledger.Model:D}/versions/1.0", events[1]["outputs"]![0]!["name"]!.GetValue<string>());
        Assert.Empty(events[0]["outputs"]!.AsArray());
    }

    [Fact]
    public async Task Each_upstream_derivation_is_a_run_whose_id_is_the_same_every_time()
    {
        var builder = new LineageBuilder(api);
        var raw = await builder.DatasetAsync("raw");
        var curated = await builder.DatasetAsync("curated", (raw, "filter"));
        var model = await builder.ModelTrainedOnAsync([curated]);
        var custom = await CustomFacetSchemasAsync(api.Anonymous());

        var events = await EventsAsync(api.Client, model, "1.0");
        var again = await EventsAsync(api.Client, model, "1.0");

        var derivation = Assert.Single(events, e => e["job"]!["name"]!.GetValue<string>().StartsWith("derive.", StringComparison.Ordinal));
        Assert.Equal("COMPLETE", derivation["eventType"]!.GetValue<string>());
        Assert.Equal($"datasets/{raw:D}/versions/1", derivation["inputs"]![0]!["name"]!.GetValue<string>());
        Assert.Equal($"datasets/{curated:D}/versions/1", derivation["outputs"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("DERIVATION", derivation["job"]!["facets"]!["jobType"]!["jobType"]!.GetValue<string>());
        Assert.Equal(events.Select(e => e.ToJsonString()), again.Select(e => e.ToJsonString()));
        Assert.All(events, e => Assert.Empty(StandardSchemas.ValidateOpenLineage(e, custom)));
    }

    [Fact]
    public async Task The_schema_check_refuses_what_the_standard_refuses()
    {
        var ledger = await DeviceLedger.CreateAsync(api, withPlan: false);
        var custom = await CustomFacetSchemasAsync(api.Anonymous());
        var start = (await EventsAsync(api.Client, ledger.Model, "1.0"))[0];
        start["run"]!["runId"] = "not-a-uuid";
        start["inputs"]![0]!["facets"]!["provenance_clearance"]!["cleared"] = "yes";

        var errors = StandardSchemas.ValidateOpenLineage(start, custom);

        Assert.Contains(errors, e => e.Contains("/run/runId", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("provenance_clearance", StringComparison.Ordinal) && e.Contains("cleared", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_custom_facets_schema_is_served_to_anyone_with_its_id_at_this_address_and_an_unknown_one_is_a_404()
    {
        using var anonymous = api.Anonymous();

        var schema = await anonymous.GetFromJsonAsync<JsonObject>("/openlineage/facets/ProvenanceClearanceDatasetFacet.json");
        using var missing = await anonymous.GetAsync("/openlineage/facets/NoSuchFacet.json");

        Assert.EndsWith("/openlineage/facets/ProvenanceClearanceDatasetFacet.json", schema!["$id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("{{base}}", schema.ToJsonString(), StringComparison.Ordinal);
        await Problems.AssertAsync(missing, HttpStatusCode.NotFound, "not-found");
    }
}
