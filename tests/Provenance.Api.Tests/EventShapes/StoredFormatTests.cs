using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Provenance.Domain.Common;
using Provenance.EventStore;

namespace Provenance.Api.Tests.EventShapes;

/// <summary>
/// #15: the stored-event format is not the HTTP format. The bytes the Merkle tree commits to are
/// serialized with the event catalog's own options (EventJson, beside the catalog in the domain),
/// so an instance whose HTTP JSON is set up differently (here: snake_case names) still stores every
/// event exactly as the catalog defines it.
/// </summary>
public sealed class StoredFormatTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [Fact]
    public async Task Changing_the_http_json_settings_changes_no_stored_byte()
    {
        await using var snakeCase = api.NewInstance(web => web.ConfigureTestServices(services =>
            services.Configure<JsonOptions>(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower)));
        using var client = api.AdminClientOf(snakeCase);
        using var body = new StringContent(JsonSerializer.Serialize(Requests.ValidDataset("Registered over snake_case HTTP"), SnakeCase), Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/datasets", body);

        // The HTTP side did change: the answer is in snake_case.
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var position = answer.GetProperty("last_position").GetInt64();
        // The stored event did not: its data is the catalog's serialization of the domain event.
        var recorded = await api.Service<PostgresEventStore>().ReadAllAsync(position - 1, 1).SingleAsync();
        var stored = JsonNode.Parse(await StoredDataAsync(position))!;
        Assert.Equal("dataset.registered", recorded.EventType);
        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(recorded.Data, recorded.Data.GetType(), EventJson.Options), stored), stored.ToJsonString());
        Assert.NotNull(stored["sourceInstitution"]);
        Assert.Null(stored["source_institution"]);
    }

    private async Task<string> StoredDataAsync(long position)
    {
        await using var connection = new Npgsql.NpgsqlConnection(api.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT data::text FROM provenance.events WHERE position = @p", connection);
        command.Parameters.AddWithValue("p", position);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
