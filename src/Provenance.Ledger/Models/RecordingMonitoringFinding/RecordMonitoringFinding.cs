using Provenance.Domain.Common;
using Provenance.Domain.Models;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Models.RecordingMonitoringFinding;

/// <summary>The body of <c>POST /models/{id}/versions/{modelVersion}/monitoring-findings</c>.</summary>
public sealed record RecordMonitoringFindingRequest(
    [property: EnumValues(typeof(MonitoringFindingKind))] string? Kind,
    [property: EnumValues(typeof(FindingSeverity))] string? Severity,
    string? Description,
    string? ActionTaken,
    DateOnly? ObservedOn);

/// <summary>Record a post-market monitoring finding, as sent.</summary>
internal sealed record RecordMonitoringFindingCommand(Guid ModelId, string ModelVersion, Precondition? IfMatch, RecordMonitoringFindingRequest Body)
    : ICommand<RecordMonitoringFindingCommand.Valid>, IModelWrite
{
    internal sealed record Valid(
        Guid ModelId, string ModelVersion, Precondition? IfMatch, MonitoringFindingKind Kind, FindingSeverity Severity, string Description, string ActionTaken,
        DateOnly ObservedOn);
}

internal sealed class RecordMonitoringFindingParser : ICommandParser<RecordMonitoringFindingCommand, RecordMonitoringFindingCommand.Valid>
{
    public RecordMonitoringFindingCommand.Valid Parse(RecordMonitoringFindingCommand command, FieldErrors errors)
    {
        var body = command.Body;
        return new(command.ModelId, ModelVersionName.Parse(errors, "modelVersion", command.ModelVersion), command.IfMatch,
            errors.OneOf<MonitoringFindingKind>("kind", body.Kind), errors.OneOf<FindingSeverity>("severity", body.Severity),
            errors.Text("description", body.Description, maxLength: 4000, multiline: true),
            errors.Text("actionTaken", body.ActionTaken, maxLength: 4000, multiline: true),
            errors.Required("observedOn", body.ObservedOn));
    }
}

internal sealed class HandleRecordMonitoringFinding(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<RecordMonitoringFindingCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(RecordMonitoringFindingCommand.Valid command, CancellationToken cancellationToken)
    {
        var (modelId, modelVersion, ifMatch, kind, severity, description, action, observedOn) = command;
        var (model, version) = await aggregates.ModelAsync(modelId, cancellationToken);
        var expected = Precondition.Check(ifMatch, version);
        var finding = ManageEvidence.RecordFinding(model,
            new MonitoringFindingRecorded(modelId, Guid.CreateVersion7(), modelVersion, kind, severity, description, action, observedOn, context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(modelId, StreamTypes.Model, expected, [finding],
            $"/models/{modelId}/versions/{Uri.EscapeDataString(modelVersion)}", cancellationToken);
    }
}
