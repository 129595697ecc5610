using Microsoft.Win32.SafeHandles;

namespace Provenance.Integrity.Bundles;

/// <summary>The temporary files the PROV document's sorted runs and strings are kept in: deleted when closed.</summary>
internal static class TemporaryFile
{
    public static SafeFileHandle Create(string directory, string kind) => File.OpenHandle(
        Path.Combine(directory, $"provenance-{kind}-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>.</summary>
    /// <exception cref="EndOfStreamException">The file ends first.</exception>
    public static void ReadExactly(SafeFileHandle file, Span<byte> destination, long offset)
    {
        for (var read = 0; read < destination.Length;)
        {
            var got = RandomAccess.Read(file, destination[read..], offset + read);
            read += got > 0 ? got : throw new EndOfStreamException("A temporary file ended before what was written to it.");
        }
    }
}
