using System.Buffers;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// Writes JSON in canonical form (RFC 8785) to a stream a piece at a time, for a document too
/// large to canonicalize whole. The caller writes members in canonical order (by the UTF-16 code
/// units of their names); strings and numbers are written as the canonicalizer writes them.
/// </summary>
internal sealed class ProvJsonWriter(Stream destination)
{
    private const int FlushAt = 1 << 16;

    private readonly ArrayBufferWriter<byte> _buffer = new(2 * FlushAt);
    private readonly Stack<bool> _empty = new();

    public void StartObject()
    {
        _buffer.Write("{"u8);
        _empty.Push(true);
    }

    public void EndObject()
    {
        _empty.Pop();
        _buffer.Write("}"u8);
    }

    public void Name(string name)
    {
        if (!_empty.Pop())
        {
            _buffer.Write(","u8);
        }

        _empty.Push(false);
        CanonicalJsonWriter.WriteString(name, _buffer);
        _buffer.Write(":"u8);
    }

    public void String(string value) => CanonicalJsonWriter.WriteString(value, _buffer);

    public void Number(long value) => EcmaScriptNumber.Write(value, _buffer);

    public ValueTask FlushIfFullAsync(CancellationToken cancellationToken) =>
        _buffer.WrittenCount >= FlushAt ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await destination.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _buffer.ResetWrittenCount();
    }
}
