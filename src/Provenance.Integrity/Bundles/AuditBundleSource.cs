namespace Provenance.Integrity.Bundles;

/// <summary>
/// The files of an audit bundle to verify, wherever they are: a directory, or a ZIP archive read
/// in place (<see cref="ZipBundle.Open"/>). A verifier treats both the same.
/// </summary>
public abstract class AuditBundleSource : IDisposable
{
    /// <summary>Where the bundle is (its path).</summary>
    public abstract string Location { get; }

    /// <summary>What it is, for messages: <c>directory</c> or <c>ZIP archive</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>
    /// Every file the bundle holds, by its path in the bundle (<c>/</c> between folders), as
    /// listed: a ZIP archive's entries in their order (a name may repeat), a directory's files and
    /// folders (a folder's path ends in <c>/</c>) in ordinal order.
    /// </summary>
    public abstract IReadOnlyList<string> FileNames { get; }

    /// <summary>Opens a file of the bundle for reading from its start.</summary>
    /// <exception cref="FileNotFoundException">The bundle holds no such file.</exception>
    public abstract Stream OpenRead(string fileName);

    /// <summary>Opens the bundle at <paramref name="path"/>: a directory, or else a ZIP archive.</summary>
    /// <exception cref="FileNotFoundException">Nothing is at the path.</exception>
    /// <exception cref="InvalidDataException">The path is a file but not a ZIP archive.</exception>
    public static AuditBundleSource Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            return FromDirectory(path);
        }

        return File.Exists(path) ? ZipBundle.Open(path) : throw new FileNotFoundException($"There is no bundle at {path}.", path);
    }

    /// <summary>The bundle in a directory.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static AuditBundleSource FromDirectory(string directory) => new DirectoryBundleSource(directory);

    /// <summary>Releases what the source holds open.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the source holds open.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>A bundle in a directory.</summary>
internal sealed class DirectoryBundleSource : AuditBundleSource
{
    private readonly string _root;

    public DirectoryBundleSource(string directory)
    {
        var info = new DirectoryInfo(directory);
        if (!info.Exists)
        {
            throw new DirectoryNotFoundException($"The bundle directory {directory} does not exist.");
        }

        _root = info.FullName;
        Location = directory;
        FileNames =
        [
            .. info.EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
                .Select(entry => Path.GetRelativePath(_root, entry.FullName).Replace(Path.DirectorySeparatorChar, '/') + (entry is DirectoryInfo ? "/" : ""))
                .Order(StringComparer.Ordinal),
        ];
    }

    public override string Location { get; }

    public override string Kind => "directory";

    public override IReadOnlyList<string> FileNames { get; }

    public override Stream OpenRead(string fileName)
    {
        var path = Path.GetFullPath(Path.Combine(_root, fileName));
        if (!FileNames.Contains(fileName, StringComparer.Ordinal) || !File.Exists(path))
        {
            throw new FileNotFoundException($"The bundle has no file {fileName}.", fileName);
        }

        // The verifier reads in chunks of a megabyte: a buffer of the stream's own would only copy them.
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan | FileOptions.Asynchronous);
    }
}
