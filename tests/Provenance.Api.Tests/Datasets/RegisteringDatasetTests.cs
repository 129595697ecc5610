using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Provenance.Api.Tests.Datasets;

public sealed class RegisteringDatasetTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _client = api.Client;

    [Fact]
    public async Task Registering_a_dataset_answers_201_with_its_location_and_version()
    {
        using var response = await _client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/datasets/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.Equal(body.GetProperty("firstPosition").GetInt64(), body.GetProperty("lastPosition").GetInt64());
    }

    [Fact]
    public async Task A_registered_dataset_reads_back_with_its_state_and_etag()
    {
        using var created = await _client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("Chest CT 2021")));
        var location = created.Headers.Location!;

        using var response = await _client.GetAsync(location);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        var dataset = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Chest CT 2021", dataset.GetProperty("name").GetString());
        Assert.Equal("structured-ehr", dataset.GetProperty("modality").GetString());
        Assert.Equal("2019-01-01", dataset.GetProperty("collectionPeriod").GetProperty("start").GetString());
        Assert.Equal(1_250_000, dataset.GetProperty("recordCount").GetInt64());
        Assert.Equal(310_000, dataset.GetProperty("patientCount").GetInt64());
        Assert.Equal("active", dataset.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_datasets_history_lists_each_event_with_its_metadata_and_position()
    {
        using var created = await _client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset(), idempotencyKey: Guid.NewGuid().ToString(), correlationId: "tour-42"));
        var result = await created.Content.ReadFromJsonAsync<JsonElement>();

        var history = await _client.GetFromJsonAsync<JsonElement>($"{created.Headers.Location}/events");

        var item = Assert.Single(history.GetProperty("items").EnumerateArray());
        Assert.Equal(result.GetProperty("firstPosition").GetInt64(), item.GetProperty("position").GetInt64());
        Assert.Equal("dataset.registered", item.GetProperty("type").GetString());
        Assert.Equal(1, item.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("tour-42", item.GetProperty("metadata").GetProperty("correlationId").GetString());
        Assert.False(string.IsNullOrEmpty(item.GetProperty("metadata").GetProperty("idempotencyKey").GetString()));
        Assert.Equal("Mercy Regional Health", item.GetProperty("data").GetProperty("sourceInstitution").GetString());
        Assert.Equal(JsonValueKind.Null, history.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task An_unknown_dataset_is_a_404_problem()
    {
        using var response = await _client.GetAsync($"/datasets/{Guid.NewGuid()}");

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task The_history_of_an_unknown_dataset_is_a_404_problem()
    {
        using var response = await _client.GetAsync($"/datasets/{Guid.NewGuid()}/events");

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_history_page_limit_out_of_range_is_refused()
    {
        using var created = await _client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset()));

        using var response = await _client.GetAsync($"{created.Headers.Location}/events?limit=0");

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
    }
}
