using Provenance.Api.Access;
using Provenance.Ledger.Access;
using Provenance.Api.BulkImport.Importing;
using Provenance.Ledger.BulkImport;

namespace Provenance.Api.BulkImport;

internal static class ImportsApi
{
    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/imports", ImportEndpoint.Handle)
            .WithTags("Imports")
            .WithName("BulkImport")
            .WithSummary("Bulk import: NDJSON commands in, one NDJSON result per line out, each line atomic on its own")
            .WithDescription("Each line: {\"command\": one of " + string.Join(", ", ImportCommands.Names) +
                             ", the ids its REST path holds (datasetId, version, decisionId, licenseId, protocolId, modelId, modelVersion), \"key\"?, " +
                             "\"body\": {…the REST endpoint's body…}}. " +
                             "Each result: {\"line\", \"status\", \"id\"?, \"location\"?, \"version\"?, \"replayed\"?, \"problem\"?}.")
            .WithMetadata(new Infrastructure.Http.NoRequestFingerprint(), new Infrastructure.Http.LargeRequestBody())
            .RequireAuthorization(AccessPolicies.Import)
            .Accepts<ImportLine>(ImportEndpoint.NdJson)
            .Produces<ImportResult>(StatusCodes.Status200OK, ImportEndpoint.NdJson)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }
}
