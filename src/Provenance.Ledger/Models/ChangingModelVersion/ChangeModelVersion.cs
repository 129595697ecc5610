using Provenance.Domain.Common;
using Provenance.Domain.Models;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Models.ChangingModelVersion;

/// <summary>
/// The body of a release (optional <c>notes</c>; for a marketed device, the <c>modifications</c> it
/// makes that the data does not show, and an administrator's <c>override</c> of change-control
/// findings) or of a withdrawal (a <c>reason</c>) of a model version.
/// </summary>
public sealed record ModelVersionChangeRequest(
    [property: OptionalMember] string? Notes,
    [property: OptionalMember] string? Reason,
    [property: OptionalMember, EnumValues(typeof(ModificationKind))] IReadOnlyList<string?>? Modifications = null,
    [property: OptionalMember] RecordingTrainingRun.OverrideRequest? Override = null);

/// <summary>Release a model version (or, with <see cref="Withdraw"/>, withdraw it), as sent.</summary>
internal sealed record ChangeModelVersionCommand(Guid ModelId, string ModelVersion, bool Withdraw, Precondition? IfMatch, ModelVersionChangeRequest Body)
    : ICommand<ChangeModelVersionCommand.Valid>, IModelWrite
{
    /// <summary>The change, checked: the notes of a release or the reason of a withdrawal.</summary>
    internal sealed record Valid(
        Guid ModelId, string ModelVersion, bool Withdraw, Precondition? IfMatch, string Text, IReadOnlyList<ModificationKind> Modifications, string? OverrideJustification);
}

internal sealed class ChangeModelVersionParser : ICommandParser<ChangeModelVersionCommand, ChangeModelVersionCommand.Valid>
{
    public ChangeModelVersionCommand.Valid Parse(ChangeModelVersionCommand command, FieldErrors errors)
    {
        var modelVersion = ModelVersionName.Parse(errors, "modelVersion", command.ModelVersion);
        string text;
        var body = command.Body;
        // Each member sent is checked on its own, then against the change it belongs to.
        var modifications = errors.OneOfEach<ModificationKind>("modifications", body.Modifications, required: false);
        var justification = body.Override is { } o ? errors.Text("override.justification", o.Justification, maxLength: 4000, multiline: true) : null;
        if (command.Withdraw)
        {
            text = errors.Text("reason", body.Reason, maxLength: 2000, multiline: true);
            errors.NotHere("notes", body.Notes, "a release");
            errors.NotHere("modifications", body.Modifications, "a release");
            errors.NotHere("override", body.Override, "a release");
        }
        else
        {
            text = errors.Text("notes", body.Notes, maxLength: 4000, required: false, multiline: true);
            errors.NotHere("reason", body.Reason, "a withdrawal");
        }

        return new(command.ModelId, modelVersion, command.Withdraw, command.IfMatch, text, modifications, justification);
    }

}

internal sealed class HandleChangeModelVersion(
    Aggregates aggregates, ReviewingChangeControl.ChangeControlReviewer reviewer, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<ChangeModelVersionCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(ChangeModelVersionCommand.Valid command, CancellationToken cancellationToken)
    {
        var (modelId, modelVersion, withdraw, ifMatch, text, modifications, justification) = command;
        var (model, version) = await aggregates.ModelAsync(modelId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var now = clock.GetUtcNow();
        IReadOnlyList<object> changes;
        if (withdraw)
        {
            changes = [ManageModel.Withdraw(model, new ModelVersionWithdrawn(modelId, modelVersion, text, context.ActorId, now))];
        }
        else
        {
            var releaseOverride = justification is null ? null : new ClearanceOverride(justification, context.ActorId, context.Has(Domain.Access.Role.Admin));
            if (releaseOverride is { ByAdministrator: true })
            {
                context.ActAs(Domain.Access.Role.Admin);
            }

            // #18: a marketed device's version is released only within its authorization or PCCP.
            var review = await reviewer.ReviewAsync(model, modelVersion, DateOnly.FromDateTime(now.UtcDateTime), modifications, cancellationToken);
            changes = ManageModel.Release(model, new ModelVersionReleased(modelId, modelVersion, text, context.ActorId, now), review, releaseOverride);
        }

        return await ledger.AppendAsync(modelId, StreamTypes.Model, expected, changes,
            $"/models/{modelId}/versions/{Uri.EscapeDataString(modelVersion)}", cancellationToken);
    }
}
