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

    private static readonly Lazy<Registry> Loaded = new(Load);

    /// <summary>Every error of <paramref name="document"/> against the OASIS DPS v1.0 schema (empty when valid).</summary>
    public static IReadOnlyList<string> ValidateDps(JsonNode document) => Errors(Loaded.Value.Dps, document);

    /// <summary>
    /// Every error of an OpenLineage event against <c>OpenLineage.json</c>, and of each facet it
    /// carries against its facet's schema: the standard ones vendored, the ledger's own given as
    /// <paramref name="customFacetSchemas"/> (as the API serves them).
    /// </summary>
    public static IReadOnlyList<string> ValidateOpenLineage(JsonObject runEvent, IReadOnlyDictionary<string, string> customFacetSchemas)
    {
        var registry = Loaded.Value;
        var errors = Errors(registry.OpenLineage, runEvent).ToList();
        var facets = new List<(string Where, string Key, JsonNode Facet)>();
        foreach (var side in new[] { "inputs", "outputs" })
        {
            foreach (var dataset in runEvent[side]?.AsArray() ?? [])
            {
                foreach (var (key, facet) in dataset!["facets"]?.AsObject() ?? [])
                {
                    facets.Add(($"{side} {dataset["name"]}", key, facet!));
                }
            }
        }

        foreach (var (key, facet) in runEvent["job"]?["facets"]?.AsObject() ?? [])
        {
            facets.Add(("job", "job:" + key, facet!));
        }

        foreach (var (where, key, facet) in facets)
        {
            var schemaUrl = facet["_schemaURL"]!.GetValue<string>();
            var schema = registry.Facets.GetValueOrDefault(schemaUrl.Split('#')[0]) ??
                         (customFacetSchemas.TryGetValue(schemaUrl.Split('#')[0], out var text) ? registry.Custom(text) : null);
            if (schema is null)
            {
                errors.Add($"{where}: no schema for the facet {key} ({schemaUrl})");
                continue;
            }

            // A facet schema validates an object holding the facet under its key.
            errors.AddRange(Errors(schema, new JsonObject { [key.Replace("job:", "", StringComparison.Ordinal)] = facet.DeepClone() }).Select(e => $"{where} {key}: {e}"));
        }

        return errors;
    }

    private static IReadOnlyList<string> Errors(JsonSchema schema, JsonNode document)
    {
        using var parsed = JsonDocument.Parse(document.ToJsonString());
        var results = schema.Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return results.IsValid
            ? []
            : [.. (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    private sealed record Registry(BuildOptions Build, JsonSchema Dps, JsonSchema OpenLineage, IReadOnlyDictionary<string, JsonSchema> Facets)
    {
        private readonly Dictionary<string, JsonSchema> _custom = [];

        public JsonSchema Custom(string text)
        {
            lock (_custom)
            {
                if (!_custom.TryGetValue(text, out var schema))
                {
                    _custom[text] = schema = JsonSchema.FromText(text, Build);
                }

                return schema;
            }
        }
    }

    private static Registry Load()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Schemas");
        var build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        string Read(string path) => File.ReadAllText(Path.Combine(folder, path));

        // data-provenance.json names its meta-schema by a prov-meta address; the file's own $id says meta/.
        var configuration = JsonSchema.FromText(Read("oasis-dps-prov-meta-1.0/data-provenance-configuration.json"), build);
        build.SchemaRegistry.Register(new Uri("https://docs.oasis-open.org/dps/prov-meta/v1.0/schema/data-provenance-configuration.json"), configuration);
        var dps = JsonSchema.FromText(Read("oasis-dps-prov-meta-1.0/data-provenance.json"), build);

        var openLineage = JsonSchema.FromText(Read("openlineage-2-0-2/OpenLineage.json"), build);
        var facets = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(folder, "openlineage-2-0-2", "facets"), "*.json"))
        {
            var schema = JsonSchema.FromText(File.ReadAllText(file), build);
            facets[schema.BaseUri.OriginalString] = schema;
        }

        return new Registry(build, dps, openLineage, facets);
    }
}
