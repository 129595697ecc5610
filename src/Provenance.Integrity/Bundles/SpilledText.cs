using Microsoft.Win32.SafeHandles;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// Strings kept out of memory: each is appended to a temporary file as UTF-8 and read back by the
/// reference <see cref="Add"/> gave. Holds at most one buffer of them in memory.
/// </summary>
internal sealed class SpilledText : IDisposable
{
    private readonly string _directory;
    private readonly int _bufferBytes;
    private byte[] _pending;
    private int _pendingLength;
    private long _flushed;
    private SafeFileHandle? _file;

    public SpilledText(int bufferBytes, string directory)
    {
        _directory = directory;
        _bufferBytes = Math.Max(64, bufferBytes);
        _pending = new byte[Math.Min(_bufferBytes, 4096)];
    }

    /// <summary>Keeps a string (or null) and says where it is.</summary>
    public TextRef Add(string? text)
    {
        if (text is null)
        {
            return TextRef.Null;
        }

        var length = System.Text.Encoding.UTF8.GetByteCount(text);
        if (_pendingLength + length > _pending.Length)
        {
            if (_pendingLength + length <= _bufferBytes)
            {
                Array.Resize(ref _pending, Math.Min(_bufferBytes, Math.Max(2 * _pending.Length, _pendingLength + length)));
            }
            else
            {
                Flush();
                if (length > _pending.Length)
                {
                    _pending = new byte[length];
                }
            }
        }

        var offset = _flushed + _pendingLength;
        _pendingLength += System.Text.Encoding.UTF8.GetBytes(text, _pending.AsSpan(_pendingLength));
        return new TextRef(offset, length);
    }

    /// <summary>The string kept at this reference.</summary>
    public string? Read(TextRef text)
    {
        if (text.IsNull)
        {
            return null;
        }

        if (text.Offset >= _flushed)
        {
            return System.Text.Encoding.UTF8.GetString(_pending, (int)(text.Offset - _flushed), text.Length);
        }

        Span<byte> bytes = text.Length <= 1024 ? stackalloc byte[text.Length] : new byte[text.Length];
        TemporaryFile.ReadExactly(_file!, bytes, text.Offset);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private void Flush()
    {
        _file ??= TemporaryFile.Create(_directory, "text");
        RandomAccess.Write(_file, _pending.AsSpan(0, _pendingLength), _flushed);
        _flushed += _pendingLength;
        _pendingLength = 0;
    }
}

/// <summary>Where <see cref="SpilledText"/> keeps a string: its offset and UTF-8 length (-1 for null).</summary>
internal readonly record struct TextRef(long Offset, int Length)
{
    public static TextRef Null { get; } = new(0, -1);

    public bool IsNull => Length < 0;
}
