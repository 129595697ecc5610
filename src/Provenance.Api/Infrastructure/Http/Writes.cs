using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>How a write endpoint sends its command and answers, and how it is described in OpenAPI.</summary>
internal static class Writes
{
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
}
