namespace Provenance.Integrity.Tests;

/// <summary>
/// The public conformance vectors vendored in <c>Vectors/</c> (each set with its upstream license
/// and source), copied beside the test assembly at build time.
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
        var root = Path.Combine(AppContext.BaseDirectory, "Vectors");
        return Directory.Exists(root)
            ? root
            : throw new DirectoryNotFoundException($"The conformance vectors are expected at {root} (copied from the test project's Vectors folder).");
    }
}
