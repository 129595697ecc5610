namespace Provenance.Cli.Importing;

/// <summary>Where one request's share of the import file lies.</summary>
/// <param name="Offset">Byte offset of the batch's first line.</param>
/// <param name="Length">Bytes of whole lines, line ends included.</param>
/// <param name="FirstLine">The file's line number (1-based) of the batch's first line.</param>
internal sealed record NdjsonBatch(long Offset, long Length, long FirstLine);

/// <summary>What a scan of the import file found.</summary>
/// <param name="CommandLines">Lines that are not blank: the results to expect.</param>
/// <param name="Batches">The file cut at line ends into requests; batches of blank lines only are left out.</param>
internal sealed record NdjsonScan(long CommandLines, IReadOnlyList<NdjsonBatch> Batches);

/// <summary>One streaming pass over the import file: counts its lines and cuts it into batches.</summary>
internal static class NdjsonFile
{
    private const int BufferSize = 64 * 1024;
    private static readonly byte[] Utf8ByteOrderMark = [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// Lines end as the API's reader ends them: at <c>\n</c>, <c>\r</c> or <c>\r\n</c>. A line of
    /// ASCII whitespace only is blank (the API skips it but still counts it); a line holding only
    /// other Unicode whitespace is counted as a command, which only makes the progress bar a
    /// little long.
    /// </summary>
    public static async Task<NdjsonScan> ScanAsync(FileInfo file, int maxBatchBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        await using var stream = OpenRead(file);
        var buffer = new byte[BufferSize];
        var scan = new Scanner(maxBatchBytes);
        long position = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var start = 0;
            if (position == 0 && buffer.AsSpan(0, read).StartsWith(Utf8ByteOrderMark))
            {
                // The API's reader skips a UTF-8 byte order mark; so do the batches.
                start = Utf8ByteOrderMark.Length;
                scan.SkipTo(start);
            }

            for (var i = start; i < read; i++)
            {
                scan.Add(position + i, buffer[i]);
            }

            position += read;
        }

        return scan.End(position);
    }

    public static FileStream OpenRead(FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    private sealed class Scanner(int maxBatchBytes)
    {
        private readonly List<NdjsonBatch> _batches = [];
        private long _commandLines;
        private long _lineStart;
        private long _lineNumber = 1;
        private bool _lineHasContent;
        private bool _afterCarriageReturn;
        private long _batchStart;
        private long _batchFirstLine = 1;
        private long _batchLength;
        private bool _batchHasCommands;

        public void SkipTo(long offset) => _lineStart = _batchStart = offset;

        public void Add(long offset, byte value)
        {
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (value == (byte)'\n')
                {
                    EndLine(offset + 1);
                    return;
                }

                EndLine(offset);
            }

            switch (value)
            {
                case (byte)'\n':
                    EndLine(offset + 1);
                    break;
                case (byte)'\r':
                    _afterCarriageReturn = true;
                    break;
                case (byte)' ' or (byte)'\t' or 0x0B or 0x0C or >= 0x1C and <= 0x1F:
                    break;
                default:
                    _lineHasContent = true;
                    break;
            }
        }

        public NdjsonScan End(long fileLength)
        {
            if (_afterCarriageReturn || fileLength > _lineStart)
            {
                EndLine(fileLength);
            }

            EndBatch();
            return new NdjsonScan(_commandLines, _batches);
        }

        private void EndLine(long end)
        {
            var length = end - _lineStart;
            if (_batchLength > 0 && _batchLength + length > maxBatchBytes)
            {
                EndBatch();
                _batchStart = _lineStart;
                _batchFirstLine = _lineNumber;
                _batchLength = 0;
                _batchHasCommands = false;
            }

            _batchLength += length;
            if (_lineHasContent)
            {
                _commandLines++;
                _batchHasCommands = true;
            }

            _lineStart = end;
            _lineNumber++;
            _lineHasContent = false;
        }

        private void EndBatch()
        {
            if (_batchHasCommands)
            {
                _batches.Add(new NdjsonBatch(_batchStart, _batchLength, _batchFirstLine));
            }
        }
    }
}
