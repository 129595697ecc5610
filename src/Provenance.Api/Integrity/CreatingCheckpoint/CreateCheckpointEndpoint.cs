using System.Globalization;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Ledger.Integrity.GettingCheckpoints;
using Provenance.Ledger.Integrity.CreatingCheckpoint;

namespace Provenance.Api.Integrity.CreatingCheckpoint;

/// <summary><c>POST /checkpoints</c>: integrate the log to its head, then sign and store a checkpoint.</summary>
internal static class CreateCheckpointEndpoint
{
    public static RouteHandlerBuilder MapCreateCheckpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/", Handle)
            .WithName("CreateCheckpoint")
            .WithSummary("Integrate the log up to its head, then sign and store a checkpoint of the Merkle tree: 201, or 200 when that tree size already has one")
            .Produces<CheckpointView>(StatusCodes.Status201Created).Produces<CheckpointView>()
            .ProducesProblem(StatusCodes.Status500InternalServerError);

    public static async Task<Results<Created<CheckpointView>, Ok<CheckpointView>>> Handle(IMediator mediator, CancellationToken cancellationToken)
    {
        var (checkpoint, created) = await mediator.Send(new CreateCheckpointCommand(), cancellationToken);
        return created
            ? TypedResults.Created("/checkpoints/" + checkpoint.TreeSize.ToString(CultureInfo.InvariantCulture), checkpoint)
            : TypedResults.Ok(checkpoint);
    }
}
