using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Domain.Irb;

namespace Provenance.Ledger.Irb.GettingProtocol;

/// <summary>
/// An IRB protocol: where it stands on <see cref="Day"/> (#14: the same status the list and the
/// lineage give, <c>expired</c> past its terms' expiry), its latest terms, and its whole timeline.
/// </summary>
public sealed record ProtocolView(Guid Id, IrbStanding Status, DateOnly Day, IrbTerms Terms, IrbProtocolApproved Approval,
    IReadOnlyList<DatedIrbTerms> TermsHistory, IReadOnlyList<IrbStatusChange> StatusHistory, long Version);

internal sealed record GetProtocolQuery(Guid Id, DateTimeOffset? AsOf = null, DateOnly? On = null) : IRequest<ProtocolView>;

internal sealed class HandleGetProtocol(Aggregates aggregates, TimeProvider clock) : IRequestHandler<GetProtocolQuery, ProtocolView>
{
    public async Task<ProtocolView> Handle(GetProtocolQuery request, CancellationToken cancellationToken)
    {
        var (protocol, version) = await aggregates.ProtocolAsync(request.Id, cancellationToken, request.AsOf);
        var day = request.On ?? DateOnly.FromDateTime((request.AsOf ?? clock.GetUtcNow()).UtcDateTime);
        return new ProtocolView(protocol.Id, protocol.StandingOn(day), day, protocol.CurrentTerms, protocol.Approval, protocol.TermsHistory,
            protocol.StatusHistory, version);
    }
}
