using MediatR;

namespace Provenance.Api.Infrastructure.Commands;

/// <summary>A request that appends to one stream of the ledger.</summary>
internal interface ICommand : IRequest<CommandResult>;
