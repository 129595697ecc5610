using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
using Provenance.Ledger.Access;
using Provenance.Ledger.Clearance;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Models.RecordingTrainingRun;

/// <summary>The body of <c>POST /models/{id}/training-runs</c>.</summary>
public sealed record RecordTrainingRunRequest(
    string? ModelVersion, IReadOnlyList<TrainingInputRequest>? Inputs, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    string? CodeReference, [property: OptionalMember] string? Notes, [property: OptionalMember] OverrideRequest? Override);

public sealed record TrainingInputRequest(Guid? DatasetId, int? Version, string? Fingerprint);

/// <summary>An administrator's override of clearance findings, with the justification that goes on the ledger.</summary>
public sealed record OverrideRequest(string? Justification);

/// <summary>Record a training run of a model version, as sent.</summary>
internal sealed record RecordTrainingRunCommand(Guid ModelId, Precondition? IfMatch, RecordTrainingRunRequest Body)
    : ICommand<RecordTrainingRunCommand.Valid>, IModelWrite
{
    /// <summary>The run, checked; <see cref="OverrideJustification"/> is null without an override.</summary>
    internal sealed record Valid(
        Guid ModelId, Precondition? IfMatch, string ModelVersion, IReadOnlyList<TrainingInput> Inputs, DateTimeOffset StartedAt,
        DateTimeOffset FinishedAt, string CodeReference, string Notes, string? OverrideJustification);
}

internal sealed class RecordTrainingRunParser : ICommandParser<RecordTrainingRunCommand, RecordTrainingRunCommand.Valid>
{
    public RecordTrainingRunCommand.Valid Parse(RecordTrainingRunCommand command, FieldErrors errors)
    {
        var body = command.Body;
        var modelVersion = ModelVersionName.Parse(errors, "modelVersion", body.ModelVersion);
        var inputs = new List<TrainingInput>();
        if (errors.List("inputs", body.Inputs, max: 100_000))
        {
            for (var i = 0; i < body.Inputs.Count; i++)
            {
                inputs.Add(new TrainingInput(
                    errors.Required($"inputs[{i}].datasetId", body.Inputs[i]?.DatasetId),
                    errors.Required($"inputs[{i}].version", body.Inputs[i]?.Version),
                    errors.Text($"inputs[{i}].fingerprint", body.Inputs[i]?.Fingerprint, maxLength: 80)));
            }
        }

        var startedAt = errors.Required("startedAt", body.StartedAt);
        var finishedAt = errors.Required("finishedAt", body.FinishedAt);
        var codeReference = errors.Text("codeReference", body.CodeReference, maxLength: 500);
        var notes = errors.Text("notes", body.Notes, maxLength: 4000, required: false, multiline: true);
        var justification = body.Override is { } o ? errors.Text("override.justification", o.Justification, maxLength: 4000, multiline: true) : null;
        return new(command.ModelId, command.IfMatch, modelVersion, inputs, startedAt, finishedAt, codeReference, notes, justification);
    }
}

internal sealed class HandleRecordTrainingRun(Aggregates aggregates, ClearanceFactsLoader facts, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<RecordTrainingRunCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(RecordTrainingRunCommand.Valid command, CancellationToken cancellationToken)
    {
        var (modelId, ifMatch, modelVersion, inputs, startedAt, finishedAt, codeReference, notes, justification) = command;
        var (model, version) = await aggregates.ModelAsync(modelId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var run = new TrainingRunRecorded(modelId, Guid.CreateVersion7(), modelVersion, inputs, startedAt, finishedAt, codeReference, notes,
            context.ActorId, clock.GetUtcNow());
        var clearanceOverride = justification is null ? null : new ClearanceOverride(justification, context.ActorId, context.Has(Domain.Access.Role.Admin));
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
