using Provenance.Domain.Common;
using Provenance.Domain.Models;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Models.ChangingModelVersion;

/// <summary>The body of a release (optional <c>notes</c>) or a withdrawal (a <c>reason</c>) of a model version.</summary>
public sealed record ModelVersionChangeRequest([property: OptionalMember] string? Notes, [property: OptionalMember] string? Reason);

/// <summary>Release a model version (or, with <see cref="Withdraw"/>, withdraw it), as sent.</summary>
internal sealed record ChangeModelVersionCommand(Guid ModelId, string ModelVersion, bool Withdraw, Precondition? IfMatch, ModelVersionChangeRequest Body)
    : ICommand<ChangeModelVersionCommand.Valid>, IModelWrite
{
    /// <summary>The change, checked: the notes of a release or the reason of a withdrawal.</summary>
    internal sealed record Valid(Guid ModelId, string ModelVersion, bool Withdraw, Precondition? IfMatch, string Text);
}

internal sealed class ChangeModelVersionParser : ICommandParser<ChangeModelVersionCommand, ChangeModelVersionCommand.Valid>
{
    public ChangeModelVersionCommand.Valid Parse(ChangeModelVersionCommand command, FieldErrors errors)
    {
        var modelVersion = ModelVersionName.Parse(errors, "modelVersion", command.ModelVersion);
        string text;
        if (command.Withdraw)
        {
            text = errors.Text("reason", command.Body.Reason, maxLength: 2000, multiline: true);
            NotHere(errors, "notes", command.Body.Notes, "a release");
        }
        else
        {
            text = errors.Text("notes", command.Body.Notes, maxLength: 4000, required: false, multiline: true);
            NotHere(errors, "reason", command.Body.Reason, "a withdrawal");
        }

        return new(command.ModelId, modelVersion, command.Withdraw, command.IfMatch, text);
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

internal sealed class HandleChangeModelVersion(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<ChangeModelVersionCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(ChangeModelVersionCommand.Valid command, CancellationToken cancellationToken)
    {
        var (modelId, modelVersion, withdraw, ifMatch, text) = command;
        var (model, version) = await aggregates.ModelAsync(modelId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        object change = withdraw
            ? ManageModel.Withdraw(model, new ModelVersionWithdrawn(modelId, modelVersion, text, context.ActorId, clock.GetUtcNow()))
            : ManageModel.Release(model, new ModelVersionReleased(modelId, modelVersion, text, context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(modelId, StreamTypes.Model, expected, [change],
            $"/models/{modelId}/versions/{Uri.EscapeDataString(modelVersion)}", cancellationToken);
    }
}
