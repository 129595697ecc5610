using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// Puts fixed-size records in order whatever their number, in bounded memory (an external merge
/// sort): records gather in a buffer of at most <c>runBytes</c>; each full buffer is sorted and
/// written to a temporary file as a run, and <see cref="Sorted"/> merges the runs. Records that fit
/// in one buffer never touch the disk. The file is deleted when the sorter is disposed.
/// </summary>
/// <remarks>The sort is not stable: a comparer that must keep an order among equal keys compares a sequence number too.</remarks>
internal sealed class SpillingSorter<T> : IDisposable
    where T : unmanaged
{
    // Each run is read back in pieces of this size while runs are merged: one piece per run is in
    // memory at once (16 KB, so that the hundreds of runs of a 5M-event ledger stay a few MB).
    private const int ReadBytes = 16 * 1024;

    private readonly IComparer<T> _order;
    private readonly int _runLength;
    private readonly string _directory;
    private readonly List<(long Offset, int Count)> _runs = [];
    private T[] _buffer;
    private int _buffered;
    private SafeFileHandle? _file;
    private long _written;
    private bool _sealed;

    /// <param name="order">The order to put the records in.</param>
    /// <param name="runBytes">How much memory the records may take before they are written out as a run.</param>
    /// <param name="directory">Where the temporary file of runs is made, if one is needed.</param>
    public SpillingSorter(IComparer<T> order, int runBytes, string directory)
    {
        _order = order;
        _runLength = Math.Max(2, runBytes / Unsafe.SizeOf<T>());
        _directory = directory;
        _buffer = new T[Math.Min(_runLength, 256)];
    }

    /// <summary>How many records were added.</summary>
    public long Count { get; private set; }

    /// <summary>How many runs were written to disk (none while the records fit in one buffer).</summary>
    public int Runs => _runs.Count;

    /// <exception cref="InvalidOperationException">The records have already been read in order.</exception>
    public void Add(in T record)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        if (_sealed)
        {
            throw new InvalidOperationException("No record can be added once the records have been read in order.");
        }

        if (_buffered == _buffer.Length)
        {
            if (_buffer.Length < _runLength)
            {
                Array.Resize(ref _buffer, (int)Math.Min(_runLength, 2L * _buffer.Length));
            }
            else
            {
                Spill();
            }
        }

        _buffer[_buffered++] = record;
        Count++;
    }

    /// <summary>Every record added, in order. Can be enumerated again; no record can be added after the first call.</summary>
    public IEnumerable<T> Sorted()
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        if (!_sealed)
        {
            _sealed = true;
            if (_runs.Count == 0)
            {
                Array.Sort(_buffer, 0, _buffered, _order);
            }
            else
            {
                if (_buffered > 0)
                {
                    Spill();
                }

                _buffer = [];
            }
        }

        return _runs.Count == 0 ? Buffered() : Merged();
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
        _buffer = null!;
    }

    private IEnumerable<T> Buffered()
    {
        for (var i = 0; i < _buffered; i++)
        {
            yield return _buffer[i];
        }
    }

    private IEnumerable<T> Merged()
    {
        var file = _file ?? throw new ObjectDisposedException(GetType().Name);
        var chunk = Math.Max(16, ReadBytes / Unsafe.SizeOf<T>());
        var readers = new RunReader[_runs.Count];
        var queue = new PriorityQueue<int, T>(readers.Length, _order);
        for (var i = 0; i < readers.Length; i++)
        {
            readers[i] = new RunReader(file, _runs[i].Offset, _runs[i].Count, chunk);
            if (readers[i].TryRead(out var first))
            {
                queue.Enqueue(i, first);
            }
        }

        while (queue.TryDequeue(out var run, out var record))
        {
            yield return record;
            if (readers[run].TryRead(out var next))
            {
                queue.Enqueue(run, next);
            }
        }
    }

    private void Spill()
    {
        Array.Sort(_buffer, 0, _buffered, _order);
        _file ??= TemporaryFile.Create(_directory, "sort");
        var bytes = MemoryMarshal.AsBytes(_buffer.AsSpan(0, _buffered));
        RandomAccess.Write(_file, bytes, _written);
        _runs.Add((_written, _buffered));
        _written += bytes.Length;
        _buffered = 0;
    }

    private sealed class RunReader
    {
        private readonly SafeFileHandle _file;
        private readonly T[] _chunk;
        private long _offset;
        private int _left;
        private int _next;
        private int _filled;

        public RunReader(SafeFileHandle file, long offset, int count, int chunk)
        {
            _file = file;
            _offset = offset;
            _left = count;
            _chunk = new T[Math.Min(chunk, count)];
        }

        public bool TryRead(out T record)
        {
            if (_next == _filled)
            {
                if (_left == 0)
                {
                    record = default;
                    return false;
                }

                var count = Math.Min(_left, _chunk.Length);
                var bytes = MemoryMarshal.AsBytes(_chunk.AsSpan(0, count));
                TemporaryFile.ReadExactly(_file, bytes, _offset);
                _offset += bytes.Length;
                _left -= count;
                _next = 0;
                _filled = count;
            }

            record = _chunk[_next++];
            return true;
        }
    }
}
