using System.IO.Compression;
using System.Text;
using Provenance.Integrity.Bundles;

namespace Provenance.Integrity.Tests.Bundles;

/// <summary>
/// #22: the ZIP is packed by our own writer, its entries deflated in chunks on every core. What
/// it writes must be a ZIP any reader takes, with every byte and CRC-32 right, in the 32-bit and
/// the Zip64 forms.
/// </summary>
public sealed class ZipPackingTests : IDisposable
{
    private readonly TestLog _log = new();
    private readonly BundleFolder _folder = new();

    public void Dispose()
    {
        _folder.Dispose();
        _log.Dispose();
    }

    public static TheoryData<int> Lengths => new()
    {
        0,
        1,
        ParallelDeflate.ChunkSize - 1,
        ParallelDeflate.ChunkSize,
        (3 * ParallelDeflate.ChunkSize) + 12_345,
    };

    [Theory]
    [MemberData(nameof(Lengths))]
    public async Task A_stream_deflated_in_chunks_inflates_to_its_bytes_with_their_crc(int length)
    {
        var input = NdjsonLike(length, seed: length);
        using var output = new MemoryStream();

        var (compressed, uncompressed, crc) = await ParallelDeflate.CompressAsync(new MemoryStream(input), output, CompressionLevel.Optimal, CancellationToken.None);

        Assert.Equal(output.Length, compressed);
        Assert.Equal(length, uncompressed);
        Assert.Equal(BitwiseCrc32(input), crc);
        output.Position = 0;
        using var inflated = new MemoryStream();
        await using (var inflate = new DeflateStream(output, CompressionMode.Decompress))
        {
            await inflate.CopyToAsync(inflated);
        }

        Assert.Equal(input, inflated.ToArray());
        if (length > ParallelDeflate.ChunkSize)
        {
            Assert.True(compressed < length / 2, $"{length} bytes of repetitive lines deflated to {compressed}");
        }
    }

    [Fact]
    public async Task Bytes_handed_over_in_pieces_of_any_size_deflate_to_the_same_bytes_as_the_stream_of_them()
    {
        var input = NdjsonLike((3 * ParallelDeflate.ChunkSize) + 777, seed: 9);
        using var whole = new MemoryStream();
        var wholeSize = await ParallelDeflate.CompressAsync(new MemoryStream(input), whole, CompressionLevel.Optimal, CancellationToken.None);
        using var pieces = new MemoryStream();
        var random = new Random(4);
        DeflatedSize piecesSize;
        var deflate = new ParallelDeflate(pieces, CompressionLevel.Optimal);
        await using (deflate)
        {
            for (var at = 0; at < input.Length;)
            {
                // From one byte to a little over a chunk, so pieces end inside chunks and span them.
                var length = Math.Min(input.Length - at, random.Next(4) switch { 0 => 1, 1 => random.Next(1, 100), 2 => random.Next(1, 1 << 20), _ => ParallelDeflate.ChunkSize + 5 });
                await deflate.WriteAsync(input.AsMemory(at, length), CancellationToken.None);
                at += length;
            }

            piecesSize = await deflate.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal(wholeSize, piecesSize);
        Assert.Equal(whole.ToArray(), pieces.ToArray());
    }

    [Fact]
    public async Task A_bundle_deflated_as_it_was_written_packs_to_the_zip_of_the_same_bundle_written_as_a_directory_byte_for_byte()
    {
        var asWritten = Path.Combine(_folder.Root, "as-written.zip");
        var temporary = Directory.GetDirectories(Path.GetTempPath(), "provenance-deflated-*").ToHashSet();
        using var forZip = new BundleFolder();
        await _log.WriteModelBundleAsync(forZip.Bundle, zipPath: asWritten);
        await _log.WriteModelBundleAsync(_folder.Bundle);
        await ZipBundle.PackAsync(_folder.Bundle, _folder.Zip);

        Assert.Equal(File.ReadAllBytes(_folder.Zip), File.ReadAllBytes(asWritten));
        Assert.True((await new AuditBundleVerifier(_log.VerifierKey).VerifyAsync(asWritten)).IsValid);
        // The deflated copies went with the writer.
        Assert.Subset(temporary, Directory.GetDirectories(Path.GetTempPath(), "provenance-deflated-*").ToHashSet());

        using var range = new BundleFolder();
        using var rangeForZip = new BundleFolder();
        var rangeZip = Path.Combine(range.Root, "as-written.zip");
        await _log.WriteTimeRangeBundleAsync(rangeForZip.Bundle, 5, 60, rangeZip);
        await _log.WriteTimeRangeBundleAsync(range.Bundle, 5, 60);
        await ZipBundle.PackAsync(range.Bundle, range.Zip);
        Assert.Equal(File.ReadAllBytes(range.Zip), File.ReadAllBytes(rangeZip));
    }

    [Fact]
    public async Task A_bundle_written_for_a_zip_keeps_its_large_files_only_deflated()
    {
        // #22: writing and deleting the plain large files was about a tenth of a large export's work.
        var zip = Path.Combine(_folder.Root, "as-written.zip");
        await _log.WriteModelBundleAsync(_folder.Bundle, zipPath: zip);

        foreach (var large in new[] { AuditBundleFiles.Events, AuditBundleFiles.Proofs, AuditBundleFiles.Prov })
        {
            Assert.False(File.Exists(_folder.File(large)), $"{large} was written in full beside its deflated copy.");
        }

        Assert.True(File.Exists(_folder.File(AuditBundleFiles.Manifest)));
        var packing = await Assert.ThrowsAsync<InvalidOperationException>(() => ZipBundle.PackAsync(_folder.Bundle, _folder.Zip));
        Assert.Contains("missing", packing.Message, StringComparison.Ordinal);
        Assert.True((await new AuditBundleVerifier(_log.VerifierKey).VerifyAsync(zip)).IsValid);
    }

    [Fact]
    public async Task A_file_written_with_a_deflated_copy_has_a_copy_that_inflates_to_its_bytes()
    {
        // The ZIP test below would pass if no copy were made (packing would deflate the file);
        // this checks the copy itself, across several chunks.
        var bytes = NdjsonLike((2 * ParallelDeflate.ChunkSize) + 99, seed: 5);
        var copyPath = Path.Combine(_folder.Root, "copy.deflate");
        var file = new HashingFile(_folder.Root, "file.ndjson", copyPath);
        await using (file)
        {
            for (var at = 0; at < bytes.Length; at += 300_001)
            {
                await file.WriteAsync(bytes.AsMemory(at, Math.Min(300_001, bytes.Length - at)));
            }

            await file.CompleteAsync(CancellationToken.None);
        }

        var size = Assert.NotNull(file.Deflated);
        Assert.False(File.Exists(Path.Combine(_folder.Root, "file.ndjson")), "The plain file was written beside its deflated copy.");
        Assert.Equal(new FileInfo(copyPath).Length, size.Compressed);
        Assert.Equal(bytes.Length, size.Uncompressed);
        Assert.Equal(BitwiseCrc32(bytes), size.Crc32);
        using var inflated = new MemoryStream();
        await using (var inflate = new DeflateStream(File.OpenRead(copyPath), CompressionMode.Decompress))
        {
            await inflate.CopyToAsync(inflated);
        }

        Assert.Equal(bytes, inflated.ToArray());
    }

    [Fact]
    public async Task Its_crc_is_the_standard_one()
    {
        using var output = new MemoryStream();

        var (_, _, crc) = await ParallelDeflate.CompressAsync(new MemoryStream("123456789"u8.ToArray()), output, CompressionLevel.Optimal, CancellationToken.None);

        // The check value of CRC-32 (ISO-HDLC), as zip, gzip and PNG use it.
        Assert.Equal(0xCBF43926u, crc);
    }

    [Theory]
    [InlineData(ZipWriter.Zip64Limit)]
    [InlineData(0L)]
    public async Task A_packed_bundle_reads_back_entry_by_entry_and_verifies(long zip64From)
    {
        await _log.WriteModelBundleAsync(_folder.Bundle);
        await ZipBundle.PackAsync(_folder.Bundle, _folder.Zip, zip64From, CancellationToken.None);

        using (var archive = ZipFile.OpenRead(_folder.Zip))
        {
            Assert.Equal(AuditBundleFiles.All, archive.Entries.Select(e => e.FullName));
            foreach (var entry in archive.Entries)
            {
                using var read = new MemoryStream();
                await using (var stream = await entry.OpenAsync())
                {
                    await stream.CopyToAsync(read);
                }

                Assert.Equal(File.ReadAllBytes(_folder.File(entry.FullName)), read.ToArray());
                Assert.Equal(read.Length, entry.Length);
                Assert.Equal(BitwiseCrc32(read.ToArray()), entry.Crc32);
                Assert.Equal(unchecked((int)0x81A40000), entry.ExternalAttributes);
                Assert.Equal(new DateTime(1980, 1, 1), entry.LastWriteTime.DateTime);
            }
        }

        var result = await new AuditBundleVerifier(_log.VerifierKey).VerifyAsync(_folder.Zip);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
    }

    [Fact]
    public async Task A_long_entry_packs_and_reads_back_in_both_forms()
    {
        var folder = Directory.CreateTempSubdirectory("provenance-zip-");
        try
        {
            var file = Path.Combine(folder.FullName, "long.ndjson");
            var bytes = NdjsonLike((2 * ParallelDeflate.ChunkSize) + 7, seed: 3);
            File.WriteAllBytes(file, bytes);
            foreach (var zip64From in new[] { ZipWriter.Zip64Limit, 0L })
            {
                var zipPath = Path.Combine(folder.FullName, $"packed-{zip64From}.zip");
                var output = new FileStream(zipPath, FileMode.Create, FileAccess.ReadWrite);
                await using (output)
                {
                    var zip = new ZipWriter(output, zip64From);
                    await zip.AddFileAsync("first.ndjson", file, CompressionLevel.Optimal, CancellationToken.None);
                    await zip.AddFileAsync("second.ndjson", file, CompressionLevel.Fastest, CancellationToken.None);
                    await zip.FinishAsync(CancellationToken.None);
                }

                using var archive = ZipFile.OpenRead(zipPath);
                Assert.Equal(["first.ndjson", "second.ndjson"], archive.Entries.Select(e => e.FullName));
                foreach (var entry in archive.Entries)
                {
                    using var read = new MemoryStream();
                    await using (var stream = await entry.OpenAsync())
                    {
                        await stream.CopyToAsync(read);
                    }

                    Assert.Equal(bytes, read.ToArray());
                }
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // Lines of JSON that repeat with variations, compressible as the bundle's files are.
    private static byte[] NdjsonLike(int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(length + 200);
        while (text.Length < length)
        {
            text.Append("{\"position\":").Append(random.Next()).Append(",\"type\":\"DatasetVersionContributed\",\"hash\":\"")
                .Append(Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()))).Append("\"}\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    // CRC-32 bit by bit, as the standard defines it (reflected, polynomial 0xEDB88320), to check the fast one against.
    private static uint BitwiseCrc32(byte[] bytes)
    {
        var crc = uint.MaxValue;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
