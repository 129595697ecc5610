using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Provenance.Ledger.Streams;
using Provenance.Domain.Access;

namespace Provenance.Ledger.Access;

/// <summary>
/// API keys as the ledger records them: a key's state is folded from its stream, reusing
/// <see cref="StreamStates"/> (keyed by stream version, and the version is read from the log on
/// every lookup). A key that matched is trusted for <see cref="ApiKeyOptions.KeyRecheckInterval"/>
/// without reading its stream again; a change to the key through this instance forgets it at once
/// (<see cref="Forget"/>), so it holds from the very next request.
/// </summary>
internal sealed class ApiKeyDirectory(StreamStates states, IOptions<ApiKeyOptions> auth, TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, (ApiKey Key, long MatchedAt)> _matched = new();

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
        var now = clock.GetTimestamp();
        var trusted = _matched.TryGetValue(keyId, out var matched) && clock.GetElapsedTime(matched.MatchedAt, now) < auth.Value.KeyRecheckInterval;
        var key = trusted ? matched.Key : await FindAsync(keyId, cancellationToken);
        var recorded = key is null ? null : ApiKeyFormat.DigestBytes(key.Issued.SecretSha256);
        var equal = CryptographicOperations.FixedTimeEquals(presentedSecretSha256, recorded ?? new byte[presentedSecretSha256.Length]);
        if (!equal || key is null)
        {
            return null;
        }

        if (!trusted)
        {
            _matched[keyId] = (key, now);
        }

        return key;
    }

    /// <summary>Reads the key's stream again on its next use (call after recording a change to it).</summary>
    public void Forget(Guid keyId) => _matched.TryRemove(keyId, out _);

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
