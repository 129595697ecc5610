using System.Text.Json;
using System.Text.RegularExpressions;
using Provenance.Api.Infrastructure.Problems;
using Provenance.Testing;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Api.Tests.Docs;

/// <summary>#14: the problem types and titles the API docs quote are the ones the API answers with.</summary>
public sealed partial class DocumentedProblemsTests
{
    [Fact]
    public void Every_problem_example_in_the_api_docs_has_its_types_one_title()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "docs", "api.md"));
        var examples = ProblemExample().Matches(text).Select(m => (Type: m.Groups["type"].Value, Title: m.Groups["title"].Value)).ToList();

        Assert.NotEmpty(examples);
        Assert.All(examples, e => Assert.Equal(ProblemTypes.Titles[e.Type], e.Title));
    }

    [Fact]
    public void Every_problem_type_the_api_answers_with_is_in_the_api_docs_table()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "docs", "api.md"));

        Assert.All(ProblemTypes.Titles.Keys, type => Assert.Contains($"| `{type}` |", text, StringComparison.Ordinal));
    }

    [GeneratedRegex("""\{"type":"(?<type>urn:provenance:problem:[a-z-]+)","title":"(?<title>[^"]+)""")]
    private static partial Regex ProblemExample();
}
