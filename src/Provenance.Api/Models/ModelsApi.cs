using MediatR;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Access;
using Provenance.Api.Infrastructure.Http;
using Provenance.Domain.Common;
using static Provenance.Api.Infrastructure.Http.CommandEndpoints;
using Provenance.Ledger.Access;
using Provenance.Ledger.Models;
using Provenance.Ledger.Streams;

namespace Provenance.Api.Models;

internal static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/models").WithTags("Models").RequireAuthorization(AccessPolicies.Read);
        var writes = app.MapGroup("/models").WithTags("Models").RequireAuthorization(AccessPolicies.ModelWrite);

        writes.MapPost("/",
                (RegisterModelRequest body, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new RegisterModelCommand(body), mediator, context, created: true, ct))
            .Write<RegisterModelRequest>("RegisterModel", "Register a model", created: true, conditional: false);

        models.MapGet("/",
                (bool? commercial, bool? overridden, string? after, int? limit, IMediator mediator, CancellationToken ct) =>
                    mediator.Send(new ListModelsQuery(commercial, overridden, after, limit), ct))
            .WithName("ListModels").WithSummary("Models in registration order with their versions, filtered by commercial use and by whether any run's clearance was overridden; cursor-paged")
            .Produces<Page<ModelSummary>>().ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        models.MapGet("/{id:guid}", async (Guid id, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken ct) =>
            {
                var view = await mediator.Send(new GetModelQuery(id, asOf), ct);
                context.Response.Headers.ETag = HttpResults.ETag(view.Version);
                return TypedResults.Ok(view);
            })
            .WithName("GetModel").WithSummary("A model with its versions and training runs")
            .Produces<ModelView>().ProducesProblem(StatusCodes.Status404NotFound);

        models.MapGet("/{id:guid}/versions/{modelVersion}", async (Guid id, string modelVersion, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken ct) =>
            {
                var model = await mediator.Send(new GetModelQuery(id, asOf), ct);
                var version = model.Versions.FirstOrDefault(v => v.Version == modelVersion)
                              ?? throw new Ledger.Infrastructure.Problems.NotFoundException($"The model {id} has no version {modelVersion}.");
                context.Response.Headers.ETag = HttpResults.ETag(model.Version);
                return TypedResults.Ok(version);
            })
            .WithName("GetModelVersion").WithSummary("One version of a model: its training runs, status, release and withdrawal")
            .Produces<Domain.Models.ModelVersion>().ProducesProblem(StatusCodes.Status404NotFound);

        models.MapGet("/{id:guid}/training-runs/{runId:guid}", async (Guid id, Guid runId, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken ct) =>
            {
                var model = await mediator.Send(new GetModelQuery(id, asOf), ct);
                var run = model.Versions.SelectMany(v => v.Runs).FirstOrDefault(r => r.Recorded.RunId == runId)
                          ?? throw new Ledger.Infrastructure.Problems.NotFoundException($"The model {id} has no training run {runId}.");
                context.Response.Headers.ETag = HttpResults.ETag(model.Version);
                return TypedResults.Ok(run);
            })
            .WithName("GetTrainingRun").WithSummary("One training run of a model, with its clearance override if any")
            .Produces<Domain.Models.TrainingRun>().ProducesProblem(StatusCodes.Status404NotFound);

        models.MapGet("/{id:guid}/events",
                (Guid id, string? after, int? limit, IMediator mediator, CancellationToken ct) =>
                    mediator.Send(new GetStreamHistoryQuery("model", StreamTypes.Model, id, after, limit), ct))
            .WithName("GetModelEvents").WithSummary("A model's history")
            .Produces<Page<EventView>>().ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        writes.MapPost("/{id:guid}/training-runs",
                (Guid id, RecordTrainingRunRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new RecordTrainingRunCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, created: true, ct))
            .Write<RecordTrainingRunRequest>("RecordTrainingRun",
                "Record a training run; refused with the clearance findings unless every input is cleared on the start date or an administrator overrides",
                created: true);

        writes.MapPost("/{id:guid}/versions/{modelVersion}/release",
                (Guid id, string modelVersion, ModelVersionChangeRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new ChangeModelVersionCommand(id, modelVersion, Withdraw: false, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .Write<ModelVersionChangeRequest>("ReleaseModelVersion", "Release a model version", created: false);

        writes.MapPost("/{id:guid}/versions/{modelVersion}/withdrawal",
                (Guid id, string modelVersion, ModelVersionChangeRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new ChangeModelVersionCommand(id, modelVersion, Withdraw: true, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .Write<ModelVersionChangeRequest>("WithdrawModelVersion", "Withdraw a model version", created: false);

        return app;
    }
}
