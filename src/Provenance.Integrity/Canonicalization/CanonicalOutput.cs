using System.Buffers;

namespace Provenance.Integrity.Canonicalization;

/// <summary>
/// A growable byte buffer the element path writes to directly, without an interface call per
/// token, and can cut back (<see cref="Length"/>) to retry an object that was not in order. It is
/// an <see cref="IBufferWriter{T}"/> too, for the writers the slow paths share with the node path.
/// </summary>
internal sealed class CanonicalOutput : IBufferWriter<byte>
{
    private const int MaxKeptCapacity = 1 << 20;

    [ThreadStatic]
    private static CanonicalOutput? _cached;

    private byte[] _buffer = new byte[4096];

    /// <summary>The bytes written; setting it lower drops what was written after.</summary>
    public int Length { get; set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    /// <summary>This thread's buffer, emptied (writing is synchronous, so one per thread is enough).</summary>
    public static CanonicalOutput Rent()
    {
        var output = _cached ?? new CanonicalOutput();
        _cached = null;
        output.Length = 0;
        return output;
    }

    public static void Return(CanonicalOutput output)
    {
        if (output._buffer.Length <= MaxKeptCapacity)
        {
            _cached = output;
        }
    }

    public void Append(byte value)
    {
        if (Length == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[Length++] = value;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - Length)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    public void Advance(int count) => Length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(Length);
    }

    private void Reserve(int sizeHint)
    {
        if (Math.Max(sizeHint, 1) > _buffer.Length - Length)
        {
            Grow(Math.Max(sizeHint, 1));
        }
    }

    private void Grow(int needed)
    {
        var larger = new byte[Math.Max(_buffer.Length * 2, Length + needed)];
        _buffer.AsSpan(0, Length).CopyTo(larger);
        _buffer = larger;
    }
}
