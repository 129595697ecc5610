using System.Security.Cryptography;
using Provenance.Api.Streams;
using Provenance.Domain.Access;

namespace Provenance.Api.Access;

/// <summary>
/// API keys as the ledger records them: a key's state is folded from its stream, reusing
/// <see cref="StreamStates"/> (keyed by stream version, and the version is read from the log on
/// every lookup, so a revocation or an expiry change holds from the very next request).
/// </summary>
internal sealed class ApiKeyDirectory(StreamStates states)
{
    /// <summary>The key's state, or null when no API key has this id (including the id of a stream of another kind).</summary>
    public async Task<ApiKey?> FindAsync(Guid keyId, CancellationToken cancellationToken) =>
        (await FindManyAsync([keyId], cancellationToken)).GetValueOrDefault(keyId);

    /// <summary>
    /// The key whose id is <paramref name="keyId"/> if the SHA-256 of the presented secret equals the
    /// recorded one (compared in constant time, and compared even for an unknown id, so both take the
    /// same time); otherwise null. Says nothing about revocation or expiry.
    /// </summary>
    public async Task<ApiKey?> FindMatchingAsync(Guid keyId, byte[] presentedSecretSha256, CancellationToken cancellationToken)
    {
        var key = await FindAsync(keyId, cancellationToken);
        var recorded = key is null ? null : ApiKeyFormat.DigestBytes(key.Issued.SecretSha256);
        var equal = CryptographicOperations.FixedTimeEquals(presentedSecretSha256, recorded ?? new byte[presentedSecretSha256.Length]);
        return equal && recorded is not null ? key : null;
    }

    /// <summary>The key a presented key string stands for, when it is well-formed and its secret matches.</summary>
    public async Task<ApiKey?> FindMatchingAsync(string presented, CancellationToken cancellationToken) =>
        ApiKeyFormat.TryParse(presented, out var keyId, out var digest) ? await FindMatchingAsync(keyId, digest, cancellationToken) : null;

    public async Task<IReadOnlyDictionary<Guid, ApiKey>> FindManyAsync(IReadOnlyCollection<Guid> keyIds, CancellationToken cancellationToken)
    {
        var found = await states.LoadAsync(keyIds, long.MaxValue, Fold, cancellationToken);
        return found.Where(f => f.Value.Key is not null).ToDictionary(f => f.Key, f => f.Value.Key!);
    }

    /// <summary>
    /// Folds a stream only if it is an API key's. Any other stream folds to "no key", which is
    /// cached like a key, so presenting another stream's id as a key id costs one fold per version.
    /// </summary>
    private static KeyStream Fold(IEnumerable<object> events)
    {
        var list = events as IReadOnlyList<object> ?? events.ToList();
        return new KeyStream(list.Count > 0 && list[0] is ApiKeyIssued ? ApiKey.Fold(list) : null);
    }

    private sealed record KeyStream(ApiKey? Key);
}
