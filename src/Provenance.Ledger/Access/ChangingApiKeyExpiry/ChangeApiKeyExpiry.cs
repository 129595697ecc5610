using Provenance.Domain.Access;
using Provenance.Domain.Common;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Access.ChangingApiKeyExpiry;

/// <summary>The body of <c>POST /access/api-keys/{id}/expiry</c>: a new expiry (omitted: now), within the key's longest lifetime.</summary>
public sealed record ChangeApiKeyExpiryRequest([property: OptionalMember] DateTimeOffset? ExpiresAt, string? Reason);

/// <summary>Change an API key's expiry, as sent.</summary>
internal sealed record ChangeApiKeyExpiryCommand(Guid KeyId, Precondition? IfMatch, ChangeApiKeyExpiryRequest Body)
    : ICommand<ChangeApiKeyExpiryCommand.Valid>, IAdministration
{
    /// <summary>The change, checked; <see cref="ExpiresAt"/> null means now.</summary>
    internal sealed record Valid(Guid KeyId, Precondition? IfMatch, DateTimeOffset? ExpiresAt, string Reason);
}

internal sealed class ChangeApiKeyExpiryParser : ICommandParser<ChangeApiKeyExpiryCommand, ChangeApiKeyExpiryCommand.Valid>
{
    public ChangeApiKeyExpiryCommand.Valid Parse(ChangeApiKeyExpiryCommand command, FieldErrors errors) =>
        new(command.KeyId, command.IfMatch, command.Body.ExpiresAt, errors.Text("reason", command.Body.Reason, maxLength: 1000, multiline: true));
}

internal sealed class HandleChangeApiKeyExpiry(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock, ApiKeyDirectory directory)
    : ICommandHandler<ChangeApiKeyExpiryCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(ChangeApiKeyExpiryCommand.Valid command, CancellationToken cancellationToken)
    {
        var (keyId, ifMatch, expiresAt, reason) = command;
        var (key, version) = await aggregates.ApiKeyAsync(keyId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var now = clock.GetUtcNow();
        var changed = ManageApiKeys.ChangeExpiry(key, new ApiKeyExpiryChanged(keyId, expiresAt ?? now, reason, context.ActorId, now));
        var result = await ledger.AppendAsync(keyId, StreamTypes.ApiKey, expected, [changed], $"/access/api-keys/{keyId}", cancellationToken);
        directory.Forget(keyId);
        return result;
    }
}
