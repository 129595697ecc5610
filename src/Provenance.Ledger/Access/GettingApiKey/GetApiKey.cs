using MediatR;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Ledger.Access.GettingApiKey;

/// <summary>One API key, as administrators see it.</summary>
internal sealed record GetApiKeyQuery(Guid KeyId) : IRequest<ApiKeyView>, IAdministration;

internal sealed class HandleGetApiKey(ApiKeyDirectory directory, TimeProvider clock) : IRequestHandler<GetApiKeyQuery, ApiKeyView>
{
    public async Task<ApiKeyView> Handle(GetApiKeyQuery request, CancellationToken cancellationToken) =>
        ApiKeyView.From(await directory.FindAsync(request.KeyId, cancellationToken) ?? throw new NotFoundException("API key", request.KeyId), clock.GetUtcNow());
}
