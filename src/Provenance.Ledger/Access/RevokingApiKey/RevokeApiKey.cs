using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Access;
using Provenance.Domain.Common;

namespace Provenance.Ledger.Access.RevokingApiKey;

/// <summary>The body of <c>POST /access/api-keys/{id}/revocation</c>.</summary>
public sealed record RevokeApiKeyRequest(string? Reason);

/// <summary>The body of <c>POST /access/api-keys/{id}/expiry</c>: a new expiry (omitted: now), within the key's longest lifetime.</summary>
public sealed record ChangeApiKeyExpiryRequest([property: OptionalMember] DateTimeOffset? ExpiresAt, string? Reason);

internal sealed record RevokeApiKeyCommand(Guid KeyId, Precondition? IfMatch, RevokeApiKeyRequest Body) : ICommand, IAdministration;

internal sealed record ChangeApiKeyExpiryCommand(Guid KeyId, Precondition? IfMatch, ChangeApiKeyExpiryRequest Body) : ICommand, IAdministration;

internal sealed class RevokeApiKeyValidator : IValidator<RevokeApiKeyCommand>
{
    public void Validate(RevokeApiKeyCommand request, FieldErrors errors) =>
        errors.Text("reason", request.Body.Reason, maxLength: 1000, multiline: true);
}

internal sealed class ChangeApiKeyExpiryValidator : IValidator<ChangeApiKeyExpiryCommand>
{
    public void Validate(ChangeApiKeyExpiryCommand request, FieldErrors errors) =>
        errors.Text("reason", request.Body.Reason, maxLength: 1000, multiline: true);
}

internal sealed class HandleRevokeApiKey(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock, ApiKeyDirectory directory)
    : IRequestHandler<RevokeApiKeyCommand, CommandResult>
{
    public async Task<CommandResult> Handle(RevokeApiKeyCommand request, CancellationToken cancellationToken)
    {
        var (keyId, ifMatch, body) = request;
        var (key, version) = await aggregates.ApiKeyAsync(keyId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var revoked = ManageApiKeys.Revoke(key, new ApiKeyRevoked(keyId, body.Reason!.Trim(), context.ActorId, clock.GetUtcNow()));
        var result = await ledger.AppendAsync(keyId, StreamTypes.ApiKey, expected, [revoked],
            $"/access/api-keys/{keyId}", cancellationToken);
        directory.Forget(keyId);
        return result;
    }
}

internal sealed class HandleChangeApiKeyExpiry(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock, ApiKeyDirectory directory)
    : IRequestHandler<ChangeApiKeyExpiryCommand, CommandResult>
{
    public async Task<CommandResult> Handle(ChangeApiKeyExpiryCommand request, CancellationToken cancellationToken)
    {
        var (keyId, ifMatch, body) = request;
        var (key, version) = await aggregates.ApiKeyAsync(keyId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var now = clock.GetUtcNow();
        var changed = ManageApiKeys.ChangeExpiry(key, new ApiKeyExpiryChanged(keyId, body.ExpiresAt ?? now, body.Reason!.Trim(), context.ActorId, now));
        var result = await ledger.AppendAsync(keyId, StreamTypes.ApiKey, expected, [changed],
            $"/access/api-keys/{keyId}", cancellationToken);
        directory.Forget(keyId);
        return result;
    }
}
