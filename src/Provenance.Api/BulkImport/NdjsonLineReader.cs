using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Provenance.Ledger.BulkImport;

namespace Provenance.Api.BulkImport;

/// <summary>One line of an NDJSON body: its text, or the fact that it was longer than the limit or not UTF-8.</summary>
internal readonly record struct NdjsonLine(string? Text, NdjsonLineProblem Problem);

internal enum NdjsonLineProblem
{
    None,
    TooLong,
    NotUtf8,
}

/// <summary>
/// Reads an NDJSON body line by line, holding at most one line of at most <c>maxLineBytes</c> (#14:
/// a 512 MB line once took the service from 0.6 GB to 3.5 GB). A line that grows past the limit is
/// reported as soon as it does, before the rest of it has arrived; the rest is then read and thrown
/// away as it comes. Lines end at LF, CR LF or a lone CR, as the CLI counts them, so line numbers
/// agree on both sides.
/// </summary>
internal sealed class NdjsonLineReader(PipeReader body, int maxLineBytes)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Past the limit: the line's remaining bytes are skipped until its end.
    private bool _skipping;

    /// <summary>The next line, or null at the end of the body.</summary>
    public async ValueTask<NdjsonLine?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (TryTakeLine(ref buffer, read.IsCompleted, out var line))
            {
                body.AdvanceTo(buffer.Start);
                if (line is { } taken)
                {
                    return taken;
                }

                continue;
            }

            if (read.IsCompleted)
            {
                body.AdvanceTo(buffer.End);
                return null;
            }

            if (_skipping)
            {
                body.AdvanceTo(buffer.End);
            }
            else if (buffer.Length > maxLineBytes)
            {
                // Answered now; the rest of the line is skipped as it arrives.
                _skipping = true;
                body.AdvanceTo(buffer.End);
                return new NdjsonLine(null, NdjsonLineProblem.TooLong);
            }
            else
            {
                body.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    /// <summary>
    /// Takes a line ending in the buffer (or the unterminated last one when the body is complete).
    /// Returns false when more input is needed; true with a null line when a skipped line just ended.
    /// </summary>
    private bool TryTakeLine(ref ReadOnlySequence<byte> buffer, bool completed, out NdjsonLine? line)
    {
        line = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryAdvanceToAny("\r\n"u8, advancePastDelimiter: false))
        {
            if (!completed || buffer.IsEmpty)
            {
                return false;
            }

            line = Finish(buffer);
            buffer = buffer.Slice(buffer.End);
            return true;
        }

        var content = buffer.Slice(0, reader.Position);
        reader.TryRead(out var terminator);
        if (terminator == (byte)'\r')
        {
            if (reader.End && !completed)
            {
                return false; // A CR LF may be split across reads.
            }

            reader.IsNext((byte)'\n', advancePast: true);
        }

        buffer = buffer.Slice(reader.Position);
        line = Finish(content);
        return true;
    }

    private NdjsonLine? Finish(ReadOnlySequence<byte> content)
    {
        if (_skipping)
        {
            _skipping = false;
            return null;
        }

        if (content.Length > maxLineBytes)
        {
            return new NdjsonLine(null, NdjsonLineProblem.TooLong);
        }

        try
        {
            return new NdjsonLine(StrictUtf8.GetString(content), NdjsonLineProblem.None);
        }
        catch (DecoderFallbackException)
        {
            return new NdjsonLine(null, NdjsonLineProblem.NotUtf8);
        }
    }
}
