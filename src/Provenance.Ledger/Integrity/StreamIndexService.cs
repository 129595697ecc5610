using System.Text.Json;
using Provenance.EventStore;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Ledger.Integrity;

/// <summary>
/// The ledger's stream index (#16), kept in memory and level with the Merkle tree: the integrity
/// follower catches it up after each batch it integrates, and a checkpoint takes the map at the tree
/// size it signs. The index at a size is a function of the log's first events alone, so it is read
/// from the log (once in full after a start, then only what is new). Maps of the sizes last signed or
/// asked for are kept for proofs; a map of an older size is rebuilt from the log on request.
/// </summary>
internal sealed partial class StreamIndexService(PostgresEventStore store, ILogger<StreamIndexService> logger) : IDisposable
{
    // Only the latest map (about 15 MB for 140,000 streams): the service runs in a 512 MB container
    // beside exports of a million events. A proof or export at an older size replays the log (2 s per million events).
    private const int MapsKept = 1;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LinkedList<StreamMap> _maps = [];
    private readonly StreamIndexBuilder _index = new();

    /// <summary>Where the index stands: the tree size it was last caught up to.</summary>
    public long Position => _index.Position;

    /// <summary>Applies the log's events after the index's position up to <paramref name="treeSize"/> (never past it).</summary>
    public async Task CatchUpAsync(long treeSize, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (treeSize > _index.Position)
            {
                await ApplyAsync(_index, treeSize, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The stream index at <paramref name="treeSize"/>, as a map with its root and proofs.</summary>
    public async Task<StreamMap> MapAtAsync(long treeSize, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_maps.FirstOrDefault(m => m.TreeSize == treeSize) is { } kept)
            {
                return kept;
            }

            StreamMap map;
            if (treeSize >= _index.Position)
            {
                await ApplyAsync(_index, treeSize, cancellationToken);
                map = _index.ToMap();
            }
            else
            {
                // Behind where the index stands: replay the log up to that size on the side.
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var older = new StreamIndexBuilder();
                await ApplyAsync(older, treeSize, cancellationToken);
                map = older.ToMap();
                LogRebuilt(logger, treeSize, map.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            _maps.AddFirst(map);
            while (_maps.Count > MapsKept)
            {
                _maps.RemoveLast();
            }

            return map;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task ApplyAsync(StreamIndexBuilder index, long treeSize, CancellationToken cancellationToken)
    {
        await foreach (var e in store.ReadForIndexAsync(index.Position, treeSize, StreamIndexBuilder.ReferencingEventTypes, cancellationToken))
        {
            index.Apply(e.Position, e.StreamId, e.StreamVersion, e.Type, e.DataJson is null ? default : JsonSerializer.Deserialize<JsonElement>(e.DataJson));
        }

        if (index.Position != treeSize)
        {
            throw new EventStore.Integrity.LogIntegrityException(
                $"The stream index could read the log only up to position {index.Position}, not to the tree size {treeSize}: the log has a gap.");
        }
    }

    [LoggerMessage(LogLevel.Information, "Rebuilt the stream index at tree size {TreeSize} ({Streams} streams) in {ElapsedMs:0} ms")]
    private static partial void LogRebuilt(ILogger logger, long treeSize, int streams, double elapsedMs);
}
