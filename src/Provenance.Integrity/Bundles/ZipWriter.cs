using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// Writes a ZIP archive (PKWARE APPNOTE 6.3) of whole files, each deflated by
/// <see cref="ParallelDeflate"/> on every core (#22: System.IO.Compression's archive deflates on
/// one). Every entry has the same timestamp and attributes; a size or an offset that does not fit
/// in 32 bits is written in the Zip64 fields. Into a seekable stream only: each local header is
/// written first and its CRC-32 and sizes filled in once the entry is compressed.
/// </summary>
internal sealed class ZipWriter(Stream output, long zip64From = ZipWriter.Zip64Limit)
{
    /// <summary>The first value the 32-bit fields can't hold: from here on a field is written in the Zip64 extra field.</summary>
    public const long Zip64Limit = uint.MaxValue;

    private const ushort Deflated = 8;
    private const ushort VersionNeeded = 20;
    private const ushort VersionNeededZip64 = 45;
    private const ushort MadeOnUnix = 3 << 8;
    private const ushort Zip64ExtraTag = 0x0001;
    // 1980-01-01 00:00:00 in MS-DOS form: day 1, month 1, year 0 (from 1980); midnight.
    private const ushort DosDate = (1 << 5) | 1;
    private const ushort DosTime = 0;
    // A regular file, rw-r--r--, in the upper half as Unix zip tools read it.
    private const uint RegularFileAttributes = 0x81A40000;

    private readonly List<Entry> _entries = [];

    /// <summary>Adds the file at <paramref name="path"/> as the entry <paramref name="name"/>, deflated.</summary>
    public async Task AddFileAsync(string name, string path, CompressionLevel level, CancellationToken cancellationToken)
    {
        var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using (input.ConfigureAwait(false))
        {
            await AddAsync(name, input.Length, (output, token) => ParallelDeflate.CompressAsync(input, output, level, token), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds an entry whose deflated bytes are already in the file at <paramref name="deflatedPath"/>
    /// (a raw deflate stream, as <see cref="ParallelDeflate"/> writes), copied as they are.
    /// </summary>
    public async Task AddDeflatedAsync(string name, string deflatedPath, DeflatedSize size, CancellationToken cancellationToken)
    {
        var input = new FileStream(deflatedPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using (input.ConfigureAwait(false))
        {
            if (input.Length != size.Compressed)
            {
                throw new InvalidOperationException($"The deflated copy of {name} is {input.Length} bytes, not the {size.Compressed} it was written as.");
            }

            await AddAsync(name, size.Uncompressed, async (output, token) =>
            {
                await input.CopyToAsync(output, 1 << 20, token).ConfigureAwait(false);
                return size;
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    // The local header, then the deflated bytes, then the header again with the CRC-32 and sizes.
    private async Task AddAsync(string name, long length, Func<Stream, CancellationToken, Task<DeflatedSize>> writeDeflated, CancellationToken cancellationToken)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name);
        // A deflated file is never much longer than the file: from a length near the limit, both sizes go in the Zip64 field.
        var zip64 = length >= zip64From - Math.Min(zip64From, (length >> 8) + (1 << 20));
        var offset = output.Position;
        await output.WriteAsync(LocalHeader(nameBytes, zip64, crc: 0, compressed: 0, uncompressed: 0), cancellationToken).ConfigureAwait(false);
        var (compressed, uncompressed, crc) = await writeDeflated(output, cancellationToken).ConfigureAwait(false);
        if (uncompressed != length || (!zip64 && (compressed >= zip64From || uncompressed >= zip64From)))
        {
            throw new InvalidOperationException($"{name} changed while it was packed ({length} bytes when it was opened, {uncompressed} deflated).");
        }

        var end = output.Position;
        output.Position = offset;
        await output.WriteAsync(LocalHeader(nameBytes, zip64, crc, compressed, uncompressed), cancellationToken).ConfigureAwait(false);
        output.Position = end;
        _entries.Add(new Entry(nameBytes, crc, compressed, uncompressed, offset));
    }

    /// <summary>Writes the central directory and the end records; the archive is complete.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        var start = output.Position;
        foreach (var entry in _entries)
        {
            await output.WriteAsync(CentralHeader(entry), cancellationToken).ConfigureAwait(false);
        }

        var size = output.Position - start;
        var end = new List<byte>();
        if (start >= zip64From || size >= zip64From || _entries.Count >= ushort.MaxValue)
        {
            var zip64End = output.Position;
            var record = new byte[56];
            BinaryPrimitives.WriteUInt32LittleEndian(record, 0x06064b50);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(4), 56 - 12);
            BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(12), MadeOnUnix | VersionNeededZip64);
            BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(14), VersionNeededZip64);
            // This disk and the central directory's disk: 0 (bytes 16 to 23).
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(24), (ulong)_entries.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(32), (ulong)_entries.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(40), (ulong)size);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(48), (ulong)start);
            end.AddRange(record);
            var locator = new byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064b50);
            BinaryPrimitives.WriteUInt64LittleEndian(locator.AsSpan(8), (ulong)zip64End);
            BinaryPrimitives.WriteUInt32LittleEndian(locator.AsSpan(16), 1);
            end.AddRange(locator);
        }

        var last = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(last, 0x06054b50);
        var count = (ushort)Math.Min(_entries.Count, ushort.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(last.AsSpan(8), count);
        BinaryPrimitives.WriteUInt16LittleEndian(last.AsSpan(10), count);
        BinaryPrimitives.WriteUInt32LittleEndian(last.AsSpan(12), Field32(size));
        BinaryPrimitives.WriteUInt32LittleEndian(last.AsSpan(16), Field32(start));
        end.AddRange(last);
        await output.WriteAsync(end.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private uint Field32(long value) => value >= zip64From ? uint.MaxValue : (uint)value;

    private static byte[] LocalHeader(byte[] name, bool zip64, uint crc, long compressed, long uncompressed)
    {
        var header = new byte[30 + name.Length + (zip64 ? 20 : 0)];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), zip64 ? VersionNeededZip64 : VersionNeeded);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), Deflated);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), DosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(12), DosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(14), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(18), zip64 ? uint.MaxValue : (uint)compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(22), zip64 ? uint.MaxValue : (uint)uncompressed);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(26), (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), (ushort)(zip64 ? 20 : 0));
        name.CopyTo(header, 30);
        if (zip64)
        {
            // In a local header the Zip64 field holds both sizes, uncompressed first.
            var extra = header.AsSpan(30 + name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(extra, Zip64ExtraTag);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 16);
            BinaryPrimitives.WriteUInt64LittleEndian(extra[4..], (ulong)uncompressed);
            BinaryPrimitives.WriteUInt64LittleEndian(extra[12..], (ulong)compressed);
        }

        return header;
    }

    private byte[] CentralHeader(Entry entry)
    {
        // In the central directory the Zip64 field holds only what overflows, in this order.
        var wide = new List<long>();
        foreach (var value in new[] { entry.Uncompressed, entry.Compressed, entry.Offset })
        {
            if (value >= zip64From)
            {
                wide.Add(value);
            }
        }

        var extraLength = wide.Count == 0 ? 0 : 4 + (8 * wide.Count);
        var header = new byte[46 + entry.Name.Length + extraLength];
        var needed = wide.Count == 0 ? VersionNeeded : VersionNeededZip64;
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x02014b50);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), (ushort)(MadeOnUnix | needed));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), needed);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), Deflated);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(12), DosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(14), DosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), entry.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), Field32(entry.Compressed));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), Field32(entry.Uncompressed));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), (ushort)entry.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(30), (ushort)extraLength);
        // Comment length, disk, internal attributes: 0 (bytes 32 to 37).
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(38), RegularFileAttributes);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(42), Field32(entry.Offset));
        entry.Name.CopyTo(header, 46);
        if (wide.Count > 0)
        {
            var extra = header.AsSpan(46 + entry.Name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(extra, Zip64ExtraTag);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)(8 * wide.Count));
            for (var i = 0; i < wide.Count; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(extra[(4 + (8 * i))..], (ulong)wide[i]);
            }
        }

        return header;
    }

    private sealed record Entry(byte[] Name, uint Crc, long Compressed, long Uncompressed, long Offset);
}
