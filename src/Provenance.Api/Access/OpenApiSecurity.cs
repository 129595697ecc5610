using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Provenance.Ledger.Access;

namespace Provenance.Api.Access;

/// <summary>
/// Describes authentication in the OpenAPI document: the API-key and bearer schemes, and on every
/// operation that needs credentials the refusals it can answer (401, 403, 429).
/// </summary>
internal static class OpenApiSecurity
{
    public static Task DescribeSchemesAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.Header,
            Description = "An API key (pvk_…), in X-Api-Key or as Authorization: ApiKey <key>. Issued by administrators (POST /access/api-keys).",
        };
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT from the OpenID Connect issuer configured in Provenance:Auth:Jwt (when one is).",
        };
        return Task.CompletedTask;
    }

    public static Task DescribeRefusalsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= [];
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            // An empty requirement: no credentials needed (#14: every operation states its security).
            // Anonymous callers are limited per client address.
            operation.Security = [new OpenApiSecurityRequirement()];
            operation.Responses.TryAdd("429", new OpenApiResponse { Description = "Too many requests from this client address; see Retry-After (urn:provenance:problem:too-many-requests)" });
            return Task.CompletedTask;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [] });
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] });
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No credentials, or credentials that failed (urn:provenance:problem:unauthenticated)" });
        operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The credential's roles do not allow this (urn:provenance:problem:forbidden)" });
        operation.Responses.TryAdd("429", new OpenApiResponse { Description = "Too many requests from this principal; see Retry-After (urn:provenance:problem:too-many-requests)" });
        return Task.CompletedTask;
    }
}
