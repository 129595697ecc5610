using MediatR;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>How a write endpoint sends its command and answers, and how it is described in OpenAPI.</summary>
internal static class CommandEndpoints
{
    public const string IfMatch = "If-Match";

    public static async Task<IResult> Send(ICommand command, IMediator mediator, HttpContext context, bool created, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(command, cancellationToken);
        return created ? HttpResults.Created(context, result) : HttpResults.Written(context, result);
    }

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
