using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Provenance.EventStore;
using Provenance.Ledger.Infrastructure;

namespace Provenance.Ledger.Streams;

/// <summary>Streams' states at a position, with the version each stream had there (absent streams left out).</summary>
internal sealed record StreamSet<T>(IReadOnlyDictionary<Guid, T> States, IReadOnlyDictionary<Guid, long> Versions)
    where T : class;

/// <summary>
/// Folded stream states, reused across requests. A stream's first N events never change (the
/// database refuses updates and deletes), so the state folded from them is keyed by stream and
/// version and never goes stale: a later event makes a new version, hence a new key. Reads ask the
/// store which version each stream had at the position they answer for (one round trip), and read
/// and fold only the streams whose state at that version is not cached yet (one more round trip).
/// The cache is bounded by the number of events its states were folded from
/// (<c>Provenance:Cache:StreamEvents</c>, 200,000 by default), evicting the least recently used.
/// </summary>
internal sealed class StreamStates(PostgresEventStore store, IOptions<CacheOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions
    {
        SizeLimit = options.Value.StreamEvents,
        CompactionPercentage = 0.25,
    });

    public void Dispose() => _cache.Dispose();

    public async Task<IReadOnlyDictionary<Guid, T>> LoadAsync<T>(
        IReadOnlyCollection<Guid> ids, long position, Func<IEnumerable<object>, T?> fold, CancellationToken cancellationToken)
        where T : class =>
        (await LoadSetAsync(ids, position, fold, cancellationToken)).States;

    /// <remarks>
    /// <c>remember</c>: whether states folded here join the cache (default). A sweep over most of the ledger (#21: the
    /// overview's clearance tally) passes false: it would otherwise fill the cache with states no one
    /// asks for again, evicting the ones that are (measured at 1,000,000 events: the API's peak memory
    /// peaked at 529 MB when the sweep cached, 292 MB when it did not).
    /// </remarks>
    public async Task<StreamSet<T>> LoadSetAsync<T>(
        IReadOnlyCollection<Guid> ids, long position, Func<IEnumerable<object>, T?> fold, CancellationToken cancellationToken, bool remember = true)
        where T : class
    {
        var versions = await store.GetStreamVersionsAsync(ids, position, cancellationToken);
        var states = new Dictionary<Guid, T>(versions.Count);
        var misses = new List<Guid>();
        foreach (var (id, version) in versions)
        {
            if (_cache.TryGetValue(new Key(typeof(T), id, version), out T? state) && state is not null)
            {
                states[id] = state;
            }
            else
            {
                misses.Add(id);
            }
        }

        if (misses.Count == 0)
        {
            return new StreamSet<T>(states, versions);
        }

        var events = new List<object>();
        Guid? current = null;
        await foreach (var e in store.ReadStreamsAsync(misses, position, cancellationToken))
        {
            if (e.StreamId != current)
            {
                Remember(current, events, fold, states, remember);
                events = [];
                current = e.StreamId;
            }

            events.Add(e.Data);
        }

        Remember(current, events, fold, states, remember);
        return new StreamSet<T>(states, versions);
    }

    /// <summary>
    /// One stream's state at <paramref name="version"/> (its current version, as the stream's header
    /// gave it): no round trip when that state is cached, one read of its events otherwise.
    /// </summary>
    public async Task<T?> LoadAtVersionAsync<T>(Guid id, long version, Func<IEnumerable<object>, T?> fold, CancellationToken cancellationToken)
        where T : class
    {
        if (_cache.TryGetValue(new Key(typeof(T), id, version), out T? cached) && cached is not null)
        {
            return cached;
        }

        var events = new List<object>();
        await foreach (var e in store.ReadStreamAsync(id, toVersion: version, cancellationToken: cancellationToken))
        {
            events.Add(e.Data);
        }

        var states = new Dictionary<Guid, T>(1);
        Remember(id, events, fold, states);
        return states.GetValueOrDefault(id);
    }

    private void Remember<T>(Guid? id, List<object> events, Func<IEnumerable<object>, T?> fold, Dictionary<Guid, T> states, bool remember = true)
        where T : class
    {
        if (id is not { } streamId || fold(events) is not { } state)
        {
            return;
        }

        states[streamId] = state;
        if (!remember)
        {
            return;
        }

        _cache.Set(new Key(typeof(T), streamId, events.Count), state, new MemoryCacheEntryOptions { Size = events.Count });
    }

    private sealed record Key(Type Kind, Guid StreamId, long Version);
}
