namespace Provenance.Witness.Tests;

/// <summary>#17: a witness shares nothing with the ledger it watches but the integrity library's formats.</summary>
public sealed class DependencyTests
{
    [Fact]
    public void The_witness_references_neither_the_ledger_nor_its_database()
    {
        var references = typeof(Witness).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("Provenance.Integrity", references);
        Assert.DoesNotContain(references, r => r is "Provenance.Ledger" or "Provenance.EventStore" or "Provenance.Domain" or "Provenance.Api" || r.StartsWith("Npgsql", StringComparison.Ordinal));
    }
}
