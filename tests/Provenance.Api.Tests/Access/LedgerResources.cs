using System.Net.Http.Json;
using System.Text.Json;

namespace Provenance.Api.Tests.Access;

/// <summary>A dataset of <see cref="ApiFixture.Institution"/> (with version 1), an IRB protocol, a model and an API key, made by the administrator, for tests that address real ids.</summary>
internal sealed record LedgerResources(Guid Dataset, Guid Protocol, Guid Model, Guid Key)
{
    public static async Task<LedgerResources> CreateAsync(ApiFixture api)
    {
        var builder = new LineageBuilder(api);
        var dataset = await builder.DatasetAsync("access tests dataset");
        var protocol = await builder.ProtocolAsync("ACCESS-1", [dataset]);
        var model = (await builder.PostAsync("/models", new { name = "m", owner = "o", intendedUse = "u", commercial = false })).GetProperty("id").GetGuid();
        var key = await api.IssueKeyAsync("matrix-subject@mercy.example", [Domain.Access.Role.Regulator], null);
        return new LedgerResources(dataset, protocol, model, Guid.ParseExact(key[4..36], "N"));
    }

    /// <summary>The route pattern with its parameters filled: real ids, or fresh random ones.</summary>
    public string Path(string pattern, bool randomIds = false)
    {
        Guid Id(Guid real) => randomIds ? Guid.NewGuid() : real;
        var path = pattern.TrimEnd('/');
        var id = path.StartsWith("/irb/", StringComparison.Ordinal) ? Id(Protocol)
            : path.StartsWith("/models/", StringComparison.Ordinal) ? Id(Model)
            : path.StartsWith("/access/", StringComparison.Ordinal) ? Id(Key)
            : Id(Dataset);
        return (path.Length == 0 ? "/" : path)
            .Replace("{id:guid}", id.ToString(), StringComparison.Ordinal)
            .Replace("{decisionId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{licenseId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{version:int}", "1", StringComparison.Ordinal)
            .Replace("{modelVersion}", "1.0", StringComparison.Ordinal)
            .Replace("{name}", "catalog", StringComparison.Ordinal)
            .Replace("{treeSize:long}", "1", StringComparison.Ordinal)
            .Replace("{position:long}", "1", StringComparison.Ordinal)
            .Replace("{documentName}", "v1", StringComparison.Ordinal);
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static HttpContent JsonBody(object body) => JsonContent.Create(body);
}
