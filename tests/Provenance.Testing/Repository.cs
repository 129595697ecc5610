namespace Provenance.Testing;

/// <summary>The repository the tests run from: its root is the folder above the test binaries that holds Provenance.sln.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootFolder = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Provenance.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Provenance.sln.");
    });

    public static string Root => RootFolder.Value;

    /// <summary>A path inside the repository, from its '/'-separated relative form.</summary>
    public static string PathOf(string relative) => Path.Combine([Root, .. relative.Split('/')]);
}
