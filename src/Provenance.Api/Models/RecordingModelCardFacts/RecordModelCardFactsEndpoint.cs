using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Models.RecordingModelCardFacts;

namespace Provenance.Api.Models.RecordingModelCardFacts;

/// <summary><c>PUT /models/{id:guid}/versions/{modelVersion}/model-card-facts</c>: record the human-written facts of a model version's model card.</summary>
internal static class RecordModelCardFactsEndpoint
{
    public static RouteHandlerBuilder MapRecordModelCardFacts(this IEndpointRouteBuilder routes) =>
        routes.MapPut("/{id:guid}/versions/{modelVersion}/model-card-facts", Handle)
            .Write<RecordModelCardFactsRequest>("RecordModelCardFacts", "Record the human-written facts of a model version's model card; a later record replaces them", created: false);

    public static Task<Ok<CommandResult>> Handle(
        Guid id, string modelVersion, RecordModelCardFactsRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new RecordModelCardFactsCommand(id, modelVersion, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
