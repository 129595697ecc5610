using MediatR;
using Provenance.Ledger.Access;
using Provenance.Ledger.Clearance;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
using Provenance.EventStore;

namespace Provenance.Ledger.Models;

/// <summary>The body of <c>POST /models</c>.</summary>
public sealed record RegisterModelRequest(string? Name, string? Owner, string? IntendedUse, bool? Commercial);

/// <summary>The body of <c>POST /models/{id}/training-runs</c>.</summary>
public sealed record RecordTrainingRunRequest(
    string? ModelVersion, IReadOnlyList<TrainingInputRequest>? Inputs, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    string? CodeReference, [property: OptionalMember] string? Notes, [property: OptionalMember] OverrideRequest? Override);

public sealed record TrainingInputRequest(Guid? DatasetId, int? Version, string? Fingerprint);

/// <summary>An administrator's override of clearance findings, with the justification that goes on the ledger.</summary>
public sealed record OverrideRequest(string? Justification);

public sealed record ModelVersionChangeRequest([property: OptionalMember] string? Notes, [property: OptionalMember] string? Reason);

internal sealed record RegisterModelCommand(RegisterModelRequest Body) : ICommand, IModelWrite;

internal sealed record RecordTrainingRunCommand(Guid ModelId, Precondition? IfMatch, RecordTrainingRunRequest Body) : ICommand, IModelWrite;

internal sealed record ChangeModelVersionCommand(Guid ModelId, string ModelVersion, bool Withdraw, Precondition? IfMatch, ModelVersionChangeRequest Body) : ICommand, IModelWrite;

internal static class ModelVersions
{
    public static void Validate(FieldErrors errors, string field, string? version)
    {
        errors.Text(field, version, maxLength: 64);
        if (!string.IsNullOrWhiteSpace(version) && !version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '+'))
        {
            errors.Add(field, "may hold only letters, digits and . - _ +");
        }
    }
}

internal sealed class RegisterModelValidator : IValidator<RegisterModelCommand>
{
    public void Validate(RegisterModelCommand request, FieldErrors errors)
    {
        var body = request.Body;
        errors.Text("name", body.Name, maxLength: 200);
        errors.Text("owner", body.Owner, maxLength: 300);
        errors.Text("intendedUse", body.IntendedUse, maxLength: 4000, multiline: true);
        errors.Required("commercial", body.Commercial);
    }
}

internal sealed class RecordTrainingRunValidator : IValidator<RecordTrainingRunCommand>
{
    public void Validate(RecordTrainingRunCommand request, FieldErrors errors)
    {
        var body = request.Body;
        ModelVersions.Validate(errors, "modelVersion", body.ModelVersion);
        if (errors.List("inputs", body.Inputs, max: 100_000))
        {
            for (var i = 0; i < body.Inputs!.Count; i++)
            {
                errors.Required($"inputs[{i}].datasetId", body.Inputs[i]?.DatasetId);
                errors.Required($"inputs[{i}].version", body.Inputs[i]?.Version);
                errors.Text($"inputs[{i}].fingerprint", body.Inputs[i]?.Fingerprint, maxLength: 80);
            }
        }

        errors.Required("startedAt", body.StartedAt);
        errors.Required("finishedAt", body.FinishedAt);
        errors.Text("codeReference", body.CodeReference, maxLength: 500);
        errors.Text("notes", body.Notes, maxLength: 4000, required: false, multiline: true);
        if (body.Override is { } o)
        {
            errors.Text("override.justification", o.Justification, maxLength: 4000, multiline: true);
        }
    }
}

internal sealed class ChangeModelVersionValidator : IValidator<ChangeModelVersionCommand>
{
    public void Validate(ChangeModelVersionCommand request, FieldErrors errors)
    {
        ModelVersions.Validate(errors, "modelVersion", request.ModelVersion);
        if (request.Withdraw)
        {
            errors.Text("reason", request.Body.Reason, maxLength: 2000, multiline: true);
            NotHere(errors, "notes", request.Body.Notes, "a release");
        }
        else
        {
            errors.Text("notes", request.Body.Notes, maxLength: 4000, required: false, multiline: true);
            NotHere(errors, "reason", request.Body.Reason, "a withdrawal");
        }
    }

    // #6: a field that would be silently dropped is refused, as an unknown one is.
    private static void NotHere(FieldErrors errors, string field, string? value, string belongsTo)
    {
        if (value is not null)
        {
            errors.Add(field, $"belongs to {belongsTo}, not here");
        }
    }
}

internal sealed class HandleRegisterModel(LedgerWriter ledger, RequestContext context, TimeProvider clock) : IRequestHandler<RegisterModelCommand, CommandResult>
{
    public async Task<CommandResult> Handle(RegisterModelCommand request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var registered = new ModelRegistered(Guid.CreateVersion7(), body.Name!.Trim(), body.Owner!.Trim(), body.IntendedUse!.Trim(),
            body.Commercial!.Value, context.ActorId, clock.GetUtcNow());
        return await ledger.AppendAsync(registered.ModelId, StreamTypes.Model, ExpectedVersion.NoStream, [registered],
            $"/models/{registered.ModelId}", cancellationToken);
    }
}

internal sealed class HandleRecordTrainingRun(Aggregates aggregates, ClearanceFactsLoader facts, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<RecordTrainingRunCommand, CommandResult>
{
    public async Task<CommandResult> Handle(RecordTrainingRunCommand request, CancellationToken cancellationToken)
    {
        var (modelId, ifMatch, body) = request;
        var (model, version) = await aggregates.ModelAsync(modelId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var inputs = body.Inputs!.Select(i => new TrainingInput(i.DatasetId!.Value, i.Version!.Value, i.Fingerprint!.Trim())).ToList();
        var run = new TrainingRunRecorded(modelId, Guid.CreateVersion7(), body.ModelVersion!.Trim(), inputs, body.StartedAt!.Value, body.FinishedAt!.Value,
            body.CodeReference!.Trim(), Parse.Trimmed(body.Notes), context.ActorId, clock.GetUtcNow());
        var clearanceOverride = body.Override is { } o
            ? new ClearanceOverride(o.Justification!.Trim(), context.ActorId, context.Has(Domain.Access.Role.Admin))
            : null;
        if (clearanceOverride is { ByAdministrator: true })
        {
            // The override is the administrator's act, whatever other role the principal holds.
            context.ActAs(Domain.Access.Role.Admin);
        }

        var events = ManageModel.RecordTrainingRun(model, run, clearanceOverride,
            await facts.LoadAsync(inputs.Select(i => new DatasetVersionRef(i.DatasetId, i.Version)), cancellationToken));
        return await ledger.AppendAsync(modelId, StreamTypes.Model, expected, events,
            $"/models/{modelId}/training-runs/{run.RunId}", cancellationToken);
    }
}

internal sealed class HandleChangeModelVersion(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<ChangeModelVersionCommand, CommandResult>
{
    public async Task<CommandResult> Handle(ChangeModelVersionCommand request, CancellationToken cancellationToken)
    {
        var (modelId, modelVersion, withdraw, ifMatch, body) = request;
        var (model, version) = await aggregates.ModelAsync(modelId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        object change = withdraw
            ? ManageModel.Withdraw(model, new ModelVersionWithdrawn(modelId, modelVersion, Parse.Trimmed(body.Reason), context.ActorId, clock.GetUtcNow()))
            : ManageModel.Release(model, new ModelVersionReleased(modelId, modelVersion, Parse.Trimmed(body.Notes), context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(modelId, StreamTypes.Model, expected, [change],
            $"/models/{modelId}/versions/{Uri.EscapeDataString(modelVersion)}", cancellationToken);
    }
}
