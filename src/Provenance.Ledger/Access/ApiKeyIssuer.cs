using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Domain.Access;
using Provenance.Domain.Common;
using Provenance.EventStore;

namespace Provenance.Ledger.Access;

/// <summary>A key just issued: the key itself (shown once, never stored) and where its issuance went on the ledger.</summary>
internal sealed record NewApiKey(string Key, ApiKeyIssued Issued, CommandResult Result);

/// <summary>
/// Issues API keys: the one place a key's secret is made, hashed and forgotten. Used by
/// <c>POST /access/api-keys</c>, the bootstrap key and the demo keys; the issuer recorded is the
/// request context's actor (an administrator, or <c>system</c>).
/// </summary>
internal sealed class ApiKeyIssuer(LedgerWriter ledger, RequestContext context, TimeProvider clock)
{
    public async Task<NewApiKey> IssueAsync(
        string principal, IReadOnlyList<Role> roles, string? institution, DateTimeOffset expiresAt, string description, CancellationToken cancellationToken)
    {
        var keyId = Guid.CreateVersion7();
        var (key, digest) = ApiKeyFormat.Create(keyId);
        var issued = ManageApiKeys.Issue(new ApiKeyIssued(
            keyId, principal, roles, string.IsNullOrWhiteSpace(institution) ? null : institution, digest, expiresAt, description, context.ActorId, clock.GetUtcNow()));
        var result = await ledger.AppendAsync(keyId, StreamTypes.ApiKey, ExpectedVersion.NoStream, [issued], $"/access/api-keys/{keyId}", cancellationToken);
        return new NewApiKey(key, issued, result);
    }
}
