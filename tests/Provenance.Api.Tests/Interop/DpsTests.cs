using System.Net;
using System.Text.Json.Nodes;
using Provenance.Api.Tests.Models;
using Provenance.Testing;

namespace Provenance.Api.Tests.Interop;

/// <summary>#19: a dataset version's OASIS Data Provenance Metadata v1.0 document, valid against the official schema, derived from the events.</summary>
public sealed class DpsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<JsonObject> DpsAsync(Guid dataset, int version, string? asOf = null)
    {
        using var response = await api.Client.GetAsync($"/datasets/{dataset}/versions/{version}/dps" + (asOf is null ? "" : $"?asOf={Uri.EscapeDataString(asOf)}"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task A_cleared_versions_document_is_valid_and_says_what_the_ledger_knows()
    {
        var ledger = await DeviceLedger.CreateAsync(api, withPlan: false);

        var document = await DpsAsync(ledger.Original, 1);

        Assert.Empty(StandardSchemas.ValidateDps(document));
        Assert.Equal(StandardSchemas.DpsUri, document["$schema"]!.GetValue<string>());
        Assert.Equal("Mercy Regional Health", document["source"]!["issuer"]![0]!["legal-name"]!.GetValue<string>());
        Assert.Equal(ledger.Original.ToString("D"), document["source"]!["id"]!["uuids"]![0]!.GetValue<string>());
        Assert.Equal(new string('a', 64), document["source"]!["id"]!["hashes"]![0]!["tree-hashes"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("2019-01-01T00:00:00Z", document["provenance"]!["generation-period"]!["start"]!.GetValue<string>());
        var classification = document["use"]!["classification"]![0]!;
        Assert.Equal("phi", classification["regulation"]!["code"]!.GetValue<string>());
        Assert.False(classification["evaluated"]!.GetValue<bool>());
        Assert.Contains("consent basis waiver-or-alteration", document["use"]!["consents"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Data use agreement DUA", document["use"]!["license"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_derived_versions_document_nests_its_parents_provenance_and_names_its_transformation()
    {
        var builder = new LineageBuilder(api);
        var raw = await builder.DatasetAsync("raw");
        var curated = await builder.DatasetAsync("curated", (raw, "filter"));

        var document = await DpsAsync(curated, 1);

        Assert.Empty(StandardSchemas.ValidateDps(document));
        var provenance = document["provenance"]!;
        Assert.Equal("other", provenance["generation-method"]![0]!["code"]!.GetValue<string>());
        Assert.Contains("filter", provenance["generation-method"]![0]!["long-description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith($"/datasets/{raw:D}/versions/1/dps", provenance["source"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("primary-user-source", provenance["sub-provenance"]!["generation-method"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_document_as_of_an_instant_is_the_ledger_as_it_stood_and_the_same_facts_give_the_same_bytes()
    {
        var builder = new LineageBuilder(api);
        var dataset = await builder.DatasetAsync("later cleared");
        var before = DateTimeOffset.UtcNow;
        // The clearing events must be recorded after the instant asked about.
        await Eventually.ClockPassesAsync(before);
        await builder.ClearAsync(dataset);

        var then = await DpsAsync(dataset, 1, before.ToString("O"));
        var now = await DpsAsync(dataset, 1);

        Assert.Null(then["use"]!["license"]);
        Assert.NotNull(now["use"]!["license"]);
        Assert.Equal(now.ToJsonString(), (await DpsAsync(dataset, 1)).ToJsonString());
        Assert.Single(then["set"]!["tracking"]!["revision-history"]!.AsArray());
        Assert.True(now["set"]!["tracking"]!["revision-history"]!.AsArray().Count >= 3);
    }

    [Fact]
    public async Task The_schema_check_refuses_what_the_standard_refuses()
    {
        var ledger = await DeviceLedger.CreateAsync(api, withPlan: false);
        var document = await DpsAsync(ledger.Original, 1);
        document["provenance"]!["format"] = new JsonArray("application/parquet");
        document["source"]!["location"] = "not a uri";
        document.Remove("use");

        var errors = StandardSchemas.ValidateDps(document);

        Assert.Contains(errors, e => e.Contains("/provenance/format/0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("/source/location", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("required", StringComparison.Ordinal));
    }
}
