using Provenance.Domain.Common;
using Provenance.Domain.Irb;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Irb.AmendingProtocol;

/// <summary>The body of <c>POST /irb/protocols/{id}/amendments</c>: new terms from a date.</summary>
public sealed record AmendProtocolRequest(DateOnly? EffectiveOn, IrbTermsRequest? Terms, string? Summary);

/// <summary>Amend an IRB protocol's terms, as sent.</summary>
internal sealed record AmendProtocolCommand(Guid ProtocolId, Precondition? IfMatch, AmendProtocolRequest Body) : ICommand<AmendProtocolCommand.Valid>, IIrbWrite
{
    internal sealed record Valid(Guid ProtocolId, Precondition? IfMatch, DateOnly EffectiveOn, IrbTerms Terms, string Summary);
}

internal sealed class AmendProtocolParser : ICommandParser<AmendProtocolCommand, AmendProtocolCommand.Valid>
{
    public AmendProtocolCommand.Valid Parse(AmendProtocolCommand command, FieldErrors errors)
    {
        var effectiveOn = errors.Required("effectiveOn", command.Body.EffectiveOn);
        var summary = errors.Text("summary", command.Body.Summary, maxLength: 2000, multiline: true);
        return new(command.ProtocolId, command.IfMatch, effectiveOn, IrbTermsRequest.Parse(errors, command.Body.Terms), summary);
    }
}

internal sealed class HandleAmendProtocol(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<AmendProtocolCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(AmendProtocolCommand.Valid command, CancellationToken cancellationToken)
    {
        var (protocolId, ifMatch, effectiveOn, terms, summary) = command;
        var (protocol, version) = await aggregates.ProtocolAsync(protocolId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var amended = ManageIrbProtocol.Amend(protocol,
            new IrbProtocolAmended(protocolId, effectiveOn, terms, summary, context.ActorId, clock.GetUtcNow()),
            await aggregates.ExistingDatasetIdsAsync(terms.CoveredDatasetIds.Distinct().ToList(), cancellationToken));
        return await ledger.AppendAsync(protocolId, StreamTypes.IrbProtocol, expected, [amended], $"/irb/protocols/{protocolId}", cancellationToken);
    }
}
