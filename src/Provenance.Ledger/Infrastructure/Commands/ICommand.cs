using MediatR;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Infrastructure.Commands;

/// <summary>A request that appends to one stream of the ledger.</summary>
internal interface ICommand : IRequest<CommandResult>;

/// <summary>
/// A write as the client sent it (its body unchecked, with the ids of its address). Its parser
/// checks it and turns it into <typeparamref name="TValid"/>, the command its handler decides on,
/// whose members are never null where the write requires them (#15).
/// </summary>
internal interface ICommand<TValid> : ICommand
    where TValid : notnull;

/// <summary>Checks a write's fields, adding to <c>errors</c>, and returns the validated command (used only when no error was added).</summary>
internal interface ICommandParser<in TCommand, out TValid>
    where TCommand : ICommand<TValid>
    where TValid : notnull
{
    TValid Parse(TCommand command, FieldErrors errors);
}

/// <summary>Decides a validated command against the ledger and appends what it decides.</summary>
internal interface ICommandHandler<in TValid>
    where TValid : notnull
{
    Task<CommandResult> HandleAsync(TValid command, CancellationToken cancellationToken);
}
