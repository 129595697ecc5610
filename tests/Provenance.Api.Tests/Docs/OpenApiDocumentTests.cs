using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Testing;

namespace Provenance.Api.Tests.Docs;

/// <summary>
/// The API's contract is committed as docs/openapi.json, the document the service serves. A change
/// to a route, a parameter, a body, an answer or a problem shows up here as a failure, so it is made
/// on purpose (and reviewed) rather than by a refactor: #15 moved every endpoint and changed none.
/// Run with PROVENANCE_UPDATE_SNAPSHOTS=1 to rewrite the file after a deliberate change.
/// </summary>
public sealed class OpenApiDocumentTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string SnapshotPath = "docs/openapi.json";

    [Fact]
    public async Task The_served_document_is_the_committed_contract()
    {
        var served = JsonNode.Parse(await api.Client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        served.Remove("servers"); // where this instance listens, not part of the contract
        var path = Repository.PathOf(SnapshotPath);
        if (Environment.GetEnvironmentVariable("PROVENANCE_UPDATE_SNAPSHOTS") == "1")
        {
            await File.WriteAllTextAsync(path, served.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        }

        var committed = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.True(JsonNode.DeepEquals(committed, served), $"The served OpenAPI document differs from {SnapshotPath}: {FirstDifference(committed, served, "$")}");
    }

    private static string FirstDifference(JsonNode? expected, JsonNode? actual, string at)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var name in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (!e.ContainsKey(name) || !a.ContainsKey(name))
                    {
                        return $"{at}.{name} is {(e.ContainsKey(name) ? "gone" : "new")}";
                    }

                    if (!JsonNode.DeepEquals(e[name], a[name]))
                    {
                        return FirstDifference(e[name], a[name], $"{at}.{name}");
                    }
                }

                break;
            case (JsonArray e, JsonArray a) when e.Count == a.Count:
                for (var i = 0; i < e.Count; i++)
                {
                    if (!JsonNode.DeepEquals(e[i], a[i]))
                    {
                        return FirstDifference(e[i], a[i], $"{at}[{i}]");
                    }
                }

                break;
        }

        return $"{at} was {expected?.ToJsonString()} and is now {actual?.ToJsonString()}";
    }
}
