using Provenance.Domain.Access;
using Provenance.Domain.Common;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Access.RevokingApiKey;

/// <summary>The body of <c>POST /access/api-keys/{id}/revocation</c>.</summary>
public sealed record RevokeApiKeyRequest(string? Reason);

/// <summary>Revoke an API key, as sent.</summary>
internal sealed record RevokeApiKeyCommand(Guid KeyId, Precondition? IfMatch, RevokeApiKeyRequest Body) : ICommand<RevokeApiKeyCommand.Valid>, IAdministration
{
    internal sealed record Valid(Guid KeyId, Precondition? IfMatch, string Reason);
}

internal sealed class RevokeApiKeyParser : ICommandParser<RevokeApiKeyCommand, RevokeApiKeyCommand.Valid>
{
    public RevokeApiKeyCommand.Valid Parse(RevokeApiKeyCommand command, FieldErrors errors) =>
        new(command.KeyId, command.IfMatch, errors.Text("reason", command.Body.Reason, maxLength: 1000, multiline: true));
}

internal sealed class HandleRevokeApiKey(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock, ApiKeyDirectory directory)
    : ICommandHandler<RevokeApiKeyCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(RevokeApiKeyCommand.Valid command, CancellationToken cancellationToken)
    {
        var (keyId, ifMatch, reason) = command;
        var (key, version) = await aggregates.ApiKeyAsync(keyId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var revoked = ManageApiKeys.Revoke(key, new ApiKeyRevoked(keyId, reason, context.ActorId, clock.GetUtcNow()));
        var result = await ledger.AppendAsync(keyId, StreamTypes.ApiKey, expected, [revoked], $"/access/api-keys/{keyId}", cancellationToken);
        directory.Forget(keyId);
        return result;
    }
}
