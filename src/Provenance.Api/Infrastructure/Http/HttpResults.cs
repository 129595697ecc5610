using MediatR;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Provenance.Api.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>How endpoints send writes and answer them, how they are described in OpenAPI, and how versions travel in ETag / If-Match.</summary>
internal static class HttpResults
{
    public const string IfMatch = "If-Match";

    public static string ETag(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>201 with Location and ETag; a replayed idempotent request says so in a header.</summary>
    public static Created<CommandResult> Created(HttpContext context, CommandResult result)
    {
        Decorate(context, result);
        return TypedResults.Created(result.Location, result);
    }

    /// <summary>200 with the write's result and the new ETag.</summary>
    public static Ok<CommandResult> Written(HttpContext context, CommandResult result)
    {
        Decorate(context, result);
        return TypedResults.Ok(result);
    }

    /// <summary>200 with a read and the ETag of the stream version it was read at.</summary>
    public static Ok<T> Tagged<T>(HttpContext context, T value, long version)
    {
        context.Response.Headers.ETag = ETag(version);
        return TypedResults.Ok(value);
    }

    /// <summary>
    /// The precondition an <c>If-Match</c> header states (#15: parsed here, at the HTTP edge; the
    /// handler checks it against the stream): null without one or for <c>*</c>; a version that is
    /// not a strong ETag of a number is kept as stated, and fails.
    /// </summary>
    public static Precondition? Precondition(string? ifMatch)
    {
        if (string.IsNullOrEmpty(ifMatch) || ifMatch == "*")
        {
            return null;
        }

        var version = EntityTagHeaderValue.TryParse(ifMatch, out var tag) && !tag.IsWeak &&
                      long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var expected)
            ? expected
            : (long?)null;
        return new Precondition(version, ifMatch);
    }

    /// <summary>Sends a write that creates a resource: 201 with its <c>Location</c> and ETag.</summary>
    public static async Task<Created<CommandResult>> CreatedAsync(ICommand command, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.Created(context, await mediator.Send(command, cancellationToken));

    /// <summary>Sends a write that changes a resource: 200 with the write's result and the new ETag.</summary>
    public static async Task<Ok<CommandResult>> OkAsync(ICommand command, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.Written(context, await mediator.Send(command, cancellationToken));

    /// <summary>Documents a write: its body, its success and every problem it can answer.</summary>
    public static RouteHandlerBuilder Write<TBody>(this RouteHandlerBuilder endpoint, string name, string summary, bool created, bool conditional = true)
        where TBody : notnull
    {
        endpoint.WithName(name).WithSummary(summary)
            .Accepts<TBody>("application/json")
            .Produces<CommandResult>(created ? StatusCodes.Status201Created : StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        if (conditional)
        {
            endpoint.ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        }

        return endpoint;
    }

    private static void Decorate(HttpContext context, CommandResult result)
    {
        context.Response.Headers.ETag = ETag(result.Version);
        if (result.Replayed)
        {
            context.Response.Headers[IdempotencyKeyMiddleware.ReplayedHeader] = "true";
        }
    }
}
