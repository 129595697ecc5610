using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Provenance.Api.Tests.Interop;

/// <summary>
/// The official JSON Schemas (2020-12) of the standards the ledger speaks (#19), vendored under
/// Schemas/ with their licenses, loaded into a registry of their own so no reference is ever
/// fetched; formats (uri, date, date-time, uuid) are asserted, as the DPS configuration schema asks.
/// </summary>
internal static class StandardSchemas
{
    public const string DpsUri = "https://docs.oasis-open.org/dps/prov-meta/v1.0/schema/data-provenance.json";

    private static readonly Lazy<(BuildOptions Build, JsonSchema Dps)> Loaded = new(Load);

    /// <summary>Every error of <paramref name="document"/> against the OASIS DPS v1.0 schema (empty when valid).</summary>
    public static IReadOnlyList<string> ValidateDps(JsonNode document) => Errors(Loaded.Value.Dps, document);

    private static IReadOnlyList<string> Errors(JsonSchema schema, JsonNode document)
    {
        using var parsed = JsonDocument.Parse(document.ToJsonString());
        var results = schema.Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return results.IsValid
            ? []
            : [.. (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    private static (BuildOptions, JsonSchema) Load()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Schemas");
        var build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        string Read(string path) => File.ReadAllText(Path.Combine(folder, path));

        // data-provenance.json names its meta-schema by a prov-meta address; the file's own $id says meta/.
        var configuration = JsonSchema.FromText(Read("oasis-dps-prov-meta-1.0/data-provenance-configuration.json"), build);
        build.SchemaRegistry.Register(new Uri("https://docs.oasis-open.org/dps/prov-meta/v1.0/schema/data-provenance-configuration.json"), configuration);
        var dps = JsonSchema.FromText(Read("oasis-dps-prov-meta-1.0/data-provenance.json"), build);
        return (build, dps);
    }
}
