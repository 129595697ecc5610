namespace Provenance.Testing;

/// <summary>
/// Approval of a text snapshot committed in the repository: the test fails on any difference and
/// names the first differing line. Run with PROVENANCE_UPDATE_SNAPSHOTS=1 to rewrite the committed
/// file after a deliberate change, and review its diff like code.
/// </summary>
public static class Snapshot
{
    public static bool Updating => Environment.GetEnvironmentVariable("PROVENANCE_UPDATE_SNAPSHOTS") == "1";

    /// <summary>Checks <paramref name="actual"/> against the file at <paramref name="relativePath"/> ('/'-separated, from the repository's root).</summary>
    public static void Matches(string relativePath, string actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var path = Repository.PathOf(relativePath);
        actual = actual.ReplaceLineEndings("\n");
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        var expected = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : null;
        if (expected == actual)
        {
            return;
        }

        if (expected is null)
        {
            throw new SnapshotMismatchException($"{relativePath} does not exist. Run the test with PROVENANCE_UPDATE_SNAPSHOTS=1 to write it.");
        }

        var (e, a) = (expected.Split('\n'), actual.Split('\n'));
        var line = Enumerable.Range(0, Math.Max(e.Length, a.Length)).First(i => i >= e.Length || i >= a.Length || e[i] != a[i]);
        throw new SnapshotMismatchException(
            $"{relativePath} differs at line {line + 1}:\n  committed: {(line < e.Length ? e[line] : "(end of file)")}\n  actual:    {(line < a.Length ? a[line] : "(end of file)")}\n" +
            "If the change is deliberate, run the test with PROVENANCE_UPDATE_SNAPSHOTS=1 and commit the file.");
    }
}

/// <summary>A snapshot differs from its committed file.</summary>
public sealed class SnapshotMismatchException(string message) : Exception(message);
