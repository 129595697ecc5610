using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Domain.Access;

namespace Provenance.Api.Tests.Access;

/// <summary>The actor of every event is the authenticated principal; a steward writes only for their own institution.</summary>
public sealed class ActorAndInstitutionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static JsonObject Dataset(string institution = ApiFixture.Institution)
    {
        var body = JsonSerializer.SerializeToNode(Requests.ValidDataset())!.AsObject();
        body["sourceInstitution"] = institution;
        return body;
    }

    private async Task<JsonElement> FirstEventAsync(Uri location) =>
        (await api.Client.GetFromJsonAsync<JsonElement>($"{location}/events")).GetProperty("items")[0];

    [Fact]
    public async Task The_actor_in_the_metadata_is_the_principal_of_the_key()
    {
        var steward = await api.ClientAsync(Role.Steward);

        using var response = await steward.PostAsJsonAsync("/datasets", Dataset());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var registered = await FirstEventAsync(response.Headers.Location!);
        Assert.Equal($"steward@{ApiFixture.Institution}", registered.GetProperty("metadata").GetProperty("actorId").GetString());
        Assert.Equal("steward", registered.GetProperty("metadata").GetProperty("actorRole").GetString());
        Assert.Equal($"steward@{ApiFixture.Institution}", registered.GetProperty("data").GetProperty("registeredBy").GetString());
    }

    [Theory]
    [InlineData("actorId")]
    [InlineData("registeredBy")]
    [InlineData("metadata")]
    public async Task A_body_that_tries_to_name_the_actor_is_refused_and_writes_nothing(string field)
    {
        var steward = await api.ClientAsync(Role.Steward);
        var body = Dataset();
        body[field] = field == "metadata" ? new JsonObject { ["actorId"] = "someone-else", ["actorRole"] = "admin" } : "someone-else";
        var before = await api.CountEventsAsync();

        using var response = await steward.PostAsJsonAsync("/datasets", body);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "malformed-request");
        Assert.Equal(["is not a known field"], Problems.Reasons(problem, field));
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task An_administrator_acting_for_a_steward_is_recorded_as_the_administrator()
    {
        using var response = await api.Client.PostAsJsonAsync("/datasets", Dataset(ApiFixture.OtherInstitution));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var metadata = (await FirstEventAsync(response.Headers.Location!)).GetProperty("metadata");
        Assert.Equal("bootstrap-admin", metadata.GetProperty("actorId").GetString());
        Assert.Equal("admin", metadata.GetProperty("actorRole").GetString());
    }

    [Fact]
    public async Task A_steward_registers_only_for_their_own_institution()
    {
        var steward = await api.ClientAsync(Role.Steward);
        var before = await api.CountEventsAsync();

        using var response = await steward.PostAsJsonAsync("/datasets", Dataset(ApiFixture.OtherInstitution));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains(ApiFixture.Institution, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_steward_of_another_institution_may_read_a_dataset_but_not_write_on_it()
    {
        var builder = new LineageBuilder(api);
        var dataset = await builder.DatasetAsync("Mercy dataset others may read");
        var other = await api.ClientAsync(Role.Steward, ApiFixture.OtherInstitution);
        var before = await api.CountEventsAsync();

        using var read = await other.GetAsync($"/datasets/{dataset}");
        using var write = await other.PostAsJsonAsync($"/datasets/{dataset}/versions/1/quarantine", new { reason = "not mine to quarantine" });

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await Problems.AssertAsync(write, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Each_line_of_an_import_is_held_to_the_rule_of_its_command()
    {
        var builder = new LineageBuilder(api);
        var mercy = await builder.DatasetAsync("Mercy dataset a Lakeshore import must not touch");
        var lakeshore = await api.ClientAsync(Role.Steward, ApiFixture.OtherInstitution);
        var lines = string.Join('\n',
            JsonSerializer.Serialize(new { command = "register-dataset", body = Dataset(ApiFixture.OtherInstitution) }),
            JsonSerializer.Serialize(new { command = "register-dataset", body = Dataset(ApiFixture.Institution) }),
            JsonSerializer.Serialize(new { command = "quarantine-version", datasetId = mercy, version = 1, body = new { reason = "not mine" } }),
            JsonSerializer.Serialize(new { command = "approve-irb-protocol", body = new { irbName = "IRB" } }));
        var before = await api.CountEventsAsync();

        using var response = await lakeshore.PostAsync("/imports", new StringContent(lines, Encoding.UTF8, "application/x-ndjson"));

        var results = (await Imports.ResultsAsync(response)).Select(r => r.GetProperty("status").GetInt32()).ToArray();
        Assert.Equal([201, 403, 403, 403], results);
        Assert.Equal(before + 1, await api.CountEventsAsync());
    }

    [Fact]
    public async Task An_irb_reviewer_records_approvals_under_their_own_name()
    {
        var builder = new LineageBuilder(api);
        var dataset = await builder.DatasetAsync("covered by a reviewer's approval");
        var reviewer = await api.ClientAsync(Role.IrbReviewer);

        using var response = await reviewer.PostAsJsonAsync("/irb/protocols", new
        {
            irbName = "Mercy IRB", irbRegistration = "IRB0002", protocolNumber = "R-1", title = "t", principalInvestigator = "pi", reviewType = "expedited",
            approvedOn = "2024-01-01", consentBasis = "waiver-or-alteration", terms = new { permittedUses = new[] { "model-training" }, coveredDatasetIds = new[] { dataset } },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var approved = await FirstEventAsync(response.Headers.Location!);
        Assert.Equal("irb-reviewer@ledger", approved.GetProperty("metadata").GetProperty("actorId").GetString());
        Assert.Equal("irb-reviewer", approved.GetProperty("metadata").GetProperty("actorRole").GetString());
    }
}
