using Provenance.Domain.Common;
using Provenance.Domain.Irb;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Irb.ChangingProtocolStatus;

/// <summary>A suspension, reinstatement, termination or closure.</summary>
public sealed record ProtocolStatusRequest(DateOnly? EffectiveOn, string? Reason);

/// <summary>Change an IRB protocol's status to <see cref="To"/> (a closure when <see cref="Close"/>), as sent.</summary>
internal sealed record ChangeProtocolStatusCommand(Guid ProtocolId, IrbStatus To, bool Close, Precondition? IfMatch, ProtocolStatusRequest Body)
    : ICommand<ChangeProtocolStatusCommand.Valid>, IIrbWrite
{
    internal sealed record Valid(Guid ProtocolId, IrbStatus To, bool Close, Precondition? IfMatch, DateOnly EffectiveOn, string Reason);
}

internal sealed class ChangeProtocolStatusParser : ICommandParser<ChangeProtocolStatusCommand, ChangeProtocolStatusCommand.Valid>
{
    public ChangeProtocolStatusCommand.Valid Parse(ChangeProtocolStatusCommand command, FieldErrors errors) =>
        new(command.ProtocolId, command.To, command.Close, command.IfMatch, errors.Required("effectiveOn", command.Body.EffectiveOn),
            errors.Text("reason", command.Body.Reason, maxLength: 2000, multiline: true));
}

internal sealed class HandleChangeProtocolStatus(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<ChangeProtocolStatusCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(ChangeProtocolStatusCommand.Valid command, CancellationToken cancellationToken)
    {
        var (protocolId, to, close, ifMatch, on, reason) = command;
        var (protocol, version) = await aggregates.ProtocolAsync(protocolId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var (by, at) = (context.ActorId, clock.GetUtcNow());
        object change = (to, close) switch
        {
            (IrbStatus.Suspended, _) => new IrbProtocolSuspended(protocolId, on, reason, by, at),
            (IrbStatus.Active, _) => new IrbProtocolReinstated(protocolId, on, reason, by, at),
            (_, true) => new IrbProtocolClosed(protocolId, on, reason, by, at),
            _ => new IrbProtocolTerminated(protocolId, on, reason, by, at),
        };
        ManageIrbProtocol.ChangeStatus(protocol, change, on, close ? IrbStatus.Closed : to);
        return await ledger.AppendAsync(protocolId, StreamTypes.IrbProtocol, expected, [change], $"/irb/protocols/{protocolId}", cancellationToken);
    }
}
