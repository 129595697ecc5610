using MediatR;
using Provenance.Api.Infrastructure.Commands;
using Provenance.Domain.Irb;

namespace Provenance.Api.Irb;

/// <summary>An IRB protocol's current state with its whole timeline of terms and status.</summary>
public sealed record ProtocolView(Guid Id, IrbStatus Status, IrbTerms Terms, IrbProtocolApproved Approval,
    IReadOnlyList<DatedIrbTerms> TermsHistory, IReadOnlyList<IrbStatusChange> StatusHistory, long Version);

internal sealed record GetProtocolQuery(Guid Id, DateTimeOffset? AsOf = null) : IRequest<ProtocolView>;

internal sealed class HandleGetProtocol(Aggregates aggregates) : IRequestHandler<GetProtocolQuery, ProtocolView>
{
    public async Task<ProtocolView> Handle(GetProtocolQuery request, CancellationToken cancellationToken)
    {
        var (protocol, version) = await aggregates.ProtocolAsync(request.Id, cancellationToken, request.AsOf);
        return new ProtocolView(protocol.Id, protocol.CurrentStatus, protocol.CurrentTerms, protocol.Approval, protocol.TermsHistory, protocol.StatusHistory, version);
    }
}
