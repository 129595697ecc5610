using System.Text.RegularExpressions;
using Provenance.Testing;

namespace Provenance.Api.Tests.Deployment;

/// <summary>
/// #14: a fresh clone with nothing beside it builds and passes its tests. No file of the project may
/// reach outside the repository, and what the tests need from elsewhere is vendored with its license.
/// </summary>
public sealed partial class SelfContainedRepositoryTests
{
    private static readonly string Root = Repository.Root;

    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules", ".git", ".local", "TestResults", "wwwroot"];

    private static readonly string[] TextExtensions = [".cs", ".csproj", ".props", ".sh", ".mjs", ".js", ".json", ".md", ".yml", ".yaml", ".sql", ".sln", ".lua", ".html", ".css", ""];

    [Fact]
    public void No_file_of_the_repository_refers_to_a_folder_beside_it()
    {
        var offenders = new List<string>();
        foreach (var file in RepositoryFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (OutsideReference().IsMatch(lines[i]))
                {
                    offenders.Add($"{Path.GetRelativePath(Root, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "These lines refer to a folder outside the repository:\n" + string.Join('\n', offenders));
    }

    [Theory]
    [InlineData("tests/Provenance.Integrity.Tests/Vectors/rfc9162-merkle", "transparency-dev/merkle")]
    [InlineData("tests/Provenance.Integrity.Tests/Vectors/rfc8785-jcs", "cyberphone/json-canonicalization")]
    public void Each_vendored_vector_set_carries_its_license_and_names_its_source_and_commit(string folder, string upstream)
    {
        var directory = Path.Combine(Root, folder);

        Assert.Contains("Apache License", File.ReadAllText(Path.Combine(directory, "LICENSE")), StringComparison.Ordinal);
        var readme = File.ReadAllText(Path.Combine(directory, "README.md"));
        Assert.Contains("https://github.com/" + upstream, readme, StringComparison.Ordinal);
        Assert.Matches(CommitHash(), readme);
        Assert.NotEmpty(Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories));
    }

    private static IEnumerable<string> RepositoryFiles()
    {
        var pending = new Stack<string>([Root]);
        while (pending.TryPop(out var directory))
        {
            foreach (var sub in Directory.EnumerateDirectories(directory))
            {
                if (!SkippedFolders.Contains(Path.GetFileName(sub)))
                {
                    pending.Push(sub);
                }
            }

            foreach (var file in Directory.EnumerateFiles(directory))
            {
                if (TextExtensions.Contains(Path.GetExtension(file)) && new FileInfo(file).Length < 2_000_000)
                {
                    yield return file;
                }
            }
        }
    }

    // The shared folder beside the repository, as a relative path or as path segments in code.
    [GeneratedRegex("""(\.\./)+shared\b|\.\.\\shared\b|"\.\."\s*,\s*"shared(?=")""")]
    private static partial Regex OutsideReference();

    [GeneratedRegex(@"\b[0-9a-f]{40}\b")]
    private static partial Regex CommitHash();
}
