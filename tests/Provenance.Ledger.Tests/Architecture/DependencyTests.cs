using System.Reflection;

namespace Provenance.Ledger.Tests.Architecture;

/// <summary>
/// #15: the projects depend one way: the HTTP host on the application layer, the application layer
/// on the domain, the event store and the integrity library, and none of those on the web. A using
/// of ASP.NET Core slipping into the application layer (or the event store into the domain) fails here.
/// </summary>
public sealed class DependencyTests
{
    public static TheoryData<string, string[]> Forbidden() => new()
    {
        { "Provenance.Ledger", ["Microsoft.AspNetCore", "Provenance.Api"] },
        { "Provenance.EventStore", ["Microsoft.AspNetCore", "Provenance.Api", "Provenance.Ledger", "Provenance.Domain", "MediatR"] },
        { "Provenance.Domain", ["Microsoft.AspNetCore", "Provenance.Api", "Provenance.Ledger", "Provenance.EventStore", "Npgsql", "MediatR"] },
        { "Provenance.Integrity", ["Microsoft.AspNetCore", "Provenance.Api", "Provenance.Ledger", "Provenance.EventStore", "Provenance.Domain", "Npgsql"] },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void A_project_references_nothing_above_it(string assembly, string[] forbidden)
    {
        var references = Assembly.Load(assembly).GetReferencedAssemblies().Select(r => r.Name!).ToList();

        Assert.DoesNotContain(references, r => forbidden.Any(f => r == f || r.StartsWith(f + ".", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_application_layer_does_not_even_mention_http()
    {
        var types = typeof(LedgerServices).Assembly.GetTypes();
        var http = types.SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Select(f => f.FieldType)
                .Concat(t.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).SelectMany(c => c.GetParameters()).Select(p => p.ParameterType)))
            .Where(t => t.Namespace?.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true)
            .Select(t => t.FullName)
            .Distinct();

        Assert.Empty(http);
    }
}
