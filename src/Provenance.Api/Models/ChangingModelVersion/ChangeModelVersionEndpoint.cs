using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Models.ChangingModelVersion;

namespace Provenance.Api.Models.ChangingModelVersion;

/// <summary><c>POST /models/{id}/versions/{modelVersion}/release</c> and <c>…/withdrawal</c>: release or withdraw a model version.</summary>
internal static class ChangeModelVersionEndpoint
{
    public static IEndpointRouteBuilder MapChangeModelVersion(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/{id:guid}/versions/{modelVersion}/release", Release)
            .Write<ModelVersionChangeRequest>("ReleaseModelVersion", "Release a model version", created: false);
        routes.MapPost("/{id:guid}/versions/{modelVersion}/withdrawal", Withdraw)
            .Write<ModelVersionChangeRequest>("WithdrawModelVersion", "Withdraw a model version", created: false);
        return routes;
    }

    public static Task<Ok<CommandResult>> Release(
        Guid id, string modelVersion, ModelVersionChangeRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context,
        CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new ChangeModelVersionCommand(id, modelVersion, Withdraw: false, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);

    public static Task<Ok<CommandResult>> Withdraw(
        Guid id, string modelVersion, ModelVersionChangeRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context,
        CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new ChangeModelVersionCommand(id, modelVersion, Withdraw: true, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
