using Provenance.Domain.Common;
using Provenance.Domain.Models;
using Provenance.EventStore;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Models.RegisteringModel;

/// <summary>The body of <c>POST /models</c>.</summary>
public sealed record RegisterModelRequest(string? Name, string? Owner, string? IntendedUse, bool? Commercial);

/// <summary>Register a model, as sent.</summary>
internal sealed record RegisterModelCommand(RegisterModelRequest Body) : ICommand<RegisterModelCommand.Valid>, IModelWrite
{
    internal sealed record Valid(string Name, string Owner, string IntendedUse, bool Commercial);
}

internal sealed class RegisterModelParser : ICommandParser<RegisterModelCommand, RegisterModelCommand.Valid>
{
    public RegisterModelCommand.Valid Parse(RegisterModelCommand command, FieldErrors errors)
    {
        var body = command.Body;
        return new(
            errors.Text("name", body.Name, maxLength: 200),
            errors.Text("owner", body.Owner, maxLength: 300),
            errors.Text("intendedUse", body.IntendedUse, maxLength: 4000, multiline: true),
            errors.Required("commercial", body.Commercial));
    }
}

internal sealed class HandleRegisterModel(LedgerWriter ledger, RequestContext context, TimeProvider clock) : ICommandHandler<RegisterModelCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(RegisterModelCommand.Valid command, CancellationToken cancellationToken)
    {
        var (name, owner, intendedUse, commercial) = command;
        var registered = new ModelRegistered(Guid.CreateVersion7(), name, owner, intendedUse, commercial, context.ActorId, clock.GetUtcNow());
        return await ledger.AppendAsync(registered.ModelId, StreamTypes.Model, ExpectedVersion.NoStream, [registered],
            $"/models/{registered.ModelId}", cancellationToken);
    }
}
