using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>
/// What the OpenAPI document says beyond what the endpoints declare (#14: it passes
/// <c>redocly lint</c> with the recommended rules, without a warning): the server without a trailing
/// slash, the license, a description for every tag, the members a request may leave out, and the
/// values each enumerated string takes.
/// </summary>
internal static class OpenApiShape
{
    /// <summary>Every tag an endpoint uses, and what its operations are about.</summary>
    public static IReadOnlyDictionary<string, string> Tags { get; } = new Dictionary<string, string>
    {
        ["Access"] = "API keys and the caller's identity: issuing, listing, expiring and revoking keys (administrators), and who is signed in.",
        ["Admin"] = "Operating the ledger: projection status and rebuilds. Administrators only.",
        ["Consent"] = "Consent withdrawals recorded against a dataset version.",
        ["Datasets"] = "Dataset contributions and their versions: registration, manifests and fingerprints, derivations, quarantine, retirement, clearance.",
        ["De-identification"] = "HIPAA de-identification decisions (Safe Harbor, Expert Determination, limited data set, not PHI) and their rescission.",
        ["Exports"] = "Audit bundles for regulators: a scope's events with inclusion proofs against a signed checkpoint, verifiable offline.",
        ["Imports"] = "Bulk import: NDJSON commands in, one result per line out, each line atomic on its own.",
        ["Interop"] = "The ledger's facts in standard formats: OASIS Data Provenance Metadata v1.0 documents and OpenLineage run events.",
        ["Integrity"] = "The log's Merkle tree: signed checkpoints, the verifier key, inclusion and consistency proofs.",
        ["IRB"] = "IRB protocols: approvals and exempt determinations, amendments, suspensions, reinstatements, terminations and closures.",
        ["Licenses"] = "Licenses and agreements (DUA, BAA, SPDX and custom licenses): grants, amendments, terminations.",
        ["Lineage"] = "Where a model version's training data came from, what depends on a dataset version, what relied on a protocol.",
        ["Workspace"] = "The compliance workspace's overview: how much the ledger holds and what needs attention on a day.",
        ["Models"] = "Models, their training runs, releases and withdrawals; their regulatory status, change control plans, evaluations, monitoring findings, model cards and procurement disclosures.",
    };

    public static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        // An SPDX custom reference: the API is the operator's, under the operator's terms.
        document.Info.License = new OpenApiLicense { Name = "Proprietary (the operator's terms)", Identifier = "LicenseRef-Proprietary" };
        document.Tags = Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }).ToHashSet();
        return Task.CompletedTask;
    }

    public static Task DescribeSchemaAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        if (context.JsonPropertyInfo is { } property && Attribute<EnumValuesAttribute>(property) is { } values)
        {
            var target = schema.Items as OpenApiSchema ?? schema;
            target.Enum = values.Names.Select(n => (JsonNode)JsonValue.Create(n)).ToList();
        }

        // A nested type's schema is transformed with the property that holds it, so this is not an else.
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Required is { Count: > 0 } required)
        {
            foreach (var optional in context.JsonTypeInfo.Properties.Where(p => Attribute<OptionalMemberAttribute>(p) is not null))
            {
                required.Remove(optional.Name);
            }
        }

        return Task.CompletedTask;
    }

    private static T? Attribute<T>(JsonPropertyInfo property)
        where T : Attribute => property.AttributeProvider is ICustomAttributeProvider provider
        ? provider.GetCustomAttributes(typeof(T), inherit: false).OfType<T>().FirstOrDefault()
        : null;
}
