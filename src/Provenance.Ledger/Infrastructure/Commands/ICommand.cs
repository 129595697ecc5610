using MediatR;

namespace Provenance.Ledger.Infrastructure.Commands;

/// <summary>A request that appends to one stream of the ledger.</summary>
internal interface ICommand : IRequest<CommandResult>;
