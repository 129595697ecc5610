using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Datasets.QuarantiningVersion;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Datasets.QuarantiningVersion;

/// <summary><c>POST /datasets/{id}/versions/{version}/quarantine</c> and <c>…/release</c>: put a dataset version in quarantine, or release it.</summary>
internal static class QuarantineVersionEndpoint
{
    public static IEndpointRouteBuilder MapQuarantineVersion(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/{id:guid}/versions/{version:int}/quarantine", Quarantine)
            .Write<ReasonRequest>("QuarantineDatasetVersion", "Put a dataset version in quarantine", created: false);
        routes.MapPost("/{id:guid}/versions/{version:int}/release", Release)
            .Write<ReasonRequest>("ReleaseDatasetVersion", "Release a dataset version from quarantine", created: false);
        return routes;
    }

    public static Task<Ok<CommandResult>> Quarantine(
        Guid id, int version, ReasonRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new QuarantineVersionCommand(id, version, Release: false, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);

    public static Task<Ok<CommandResult>> Release(
        Guid id, int version, ReasonRequest body, [FromHeader(Name = HttpResults.IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.OkAsync(new QuarantineVersionCommand(id, version, Release: true, HttpResults.Precondition(ifMatch), body), mediator, context, cancellationToken);
}
