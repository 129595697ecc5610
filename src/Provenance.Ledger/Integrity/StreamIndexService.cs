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

    private readonly SemaphoreSlim _gate = new(1, 1);
    // The latest map (about 100 MB for 600,000 streams) is kept only weakly: reused while memory
    // allows, given back when the collector needs it (a million-event export in a 512 MB container),
    // then built again from the index in memory (about 0.3 s). Older sizes replay the log.
    private readonly WeakReference<StreamMap?> _latest = new(null);
    private readonly StreamIndexBuilder _index = new();
    private (long TreeSize, byte[] Root)? _lastRoot;

    /// <summary>Where the index stands: the tree size it was last caught up to.</summary>
    public long Position => _index.Position;

    /// <summary>The tree size whose root is kept (the next root is computed from it, where streams changed), or null.</summary>
    internal long? RootKeptAt => _lastRoot?.TreeSize;

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

    /// <summary>
    /// The root of the stream index at <paramref name="treeSize"/>, without building its map (#22: a
    /// checkpoint and a time-range export need only the root; a map of 600,000 streams is about
    /// 100 MB, the root alone the streams' keys, 40 bytes each, while it is computed).
    /// </summary>
    public async Task<byte[]> RootAtAsync(long treeSize, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_latest.TryGetTarget(out var kept) && kept.TreeSize == treeSize)
            {
                return kept.Root;
            }

            if (_lastRoot is { } last && last.TreeSize == treeSize)
            {
                return last.Root;
            }

            if (treeSize >= _index.Position)
            {
                await ApplyAsync(_index, treeSize, cancellationToken);
                _lastRoot = (treeSize, _index.Root());
                return _lastRoot.Value.Root;
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var older = new StreamIndexBuilder();
            await ApplyAsync(older, treeSize, cancellationToken);
            LogRebuilt(logger, treeSize, older.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return older.Root();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Computes the root where the index stands and keeps it, when no root is kept yet (#22: after a
    /// start, so the next checkpoint or export finds it), saying in the log how long it took.
    /// </summary>
    public async Task KeepRootAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_lastRoot is null)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                _lastRoot = (_index.Position, _index.Root());
                LogRootKept(logger, _index.Position, _index.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
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
            if (_latest.TryGetTarget(out var kept) && kept.TreeSize == treeSize)
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

            _latest.SetTarget(map);
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

    [LoggerMessage(LogLevel.Information, "Computed the stream index's root at tree size {TreeSize} ({Streams} streams) in {ElapsedMs:0} ms")]
    private static partial void LogRootKept(ILogger logger, long treeSize, int streams, double elapsedMs);

    [LoggerMessage(LogLevel.Information, "Rebuilt the stream index at tree size {TreeSize} ({Streams} streams) in {ElapsedMs:0} ms")]
    private static partial void LogRebuilt(ILogger logger, long treeSize, int streams, double elapsedMs);
}
