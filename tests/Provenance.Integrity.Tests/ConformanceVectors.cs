namespace Provenance.Integrity.Tests;

/// <summary>
/// The public conformance vectors, read in place from <c>../shared/testdata</c> beside the
/// repository (never copied into it).
/// </summary>
internal static class ConformanceVectors
{
    public static string Root { get; } = Locate();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The JSON files under a vector folder, relative to it, with '/' separators, sorted.</summary>
    public static TheoryData<string> FilesUnder(string folder)
    {
        var directory = PathOf(folder.Split('/'));
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(file);
        }

        return data;
    }

    private static string Locate()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Provenance.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds Provenance.sln.");
        }

        var root = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "testdata"));
        return Directory.Exists(root)
            ? root
            : throw new DirectoryNotFoundException($"The conformance vectors are expected at {root}.");
    }
}
