using Provenance.Domain.Common;
using Provenance.Integrity.Bundles;

namespace Provenance.Api.Tests.EventShapes;

/// <summary>
/// #15: the offline verifier and the PROV builder stand alone, so they name the ledger's events by
/// their wire names. Every name they hard-code must be in the ledger's event catalog, and every
/// kind of stream a bundle can hold must cover the areas of the catalog's events: otherwise a
/// renamed or new event would slip past a bundle check or a PROV statement without a failing test.
/// </summary>
public sealed class WireNamesTests
{
    private static readonly HashSet<string> Catalog = EventCatalog.All.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);

    public static TheoryData<string> VerifierNames() => [.. LedgerEventTypes.All.Union(StreamKind.All.Select(k => k.FirstEventType), StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(VerifierNames))]
    public void Every_wire_name_the_verifier_and_the_prov_builder_read_is_in_the_catalog(string name) => Assert.Contains(name, Catalog);

    [Fact]
    public void The_verifier_knows_the_stream_kind_of_every_event_but_the_access_area()
    {
        var areas = Catalog.Select(n => n[..n.IndexOf('.', StringComparison.Ordinal)]).Where(a => a != "access").ToHashSet();

        Assert.Equal(areas.Order(), StreamKind.All.SelectMany(k => k.Areas).Order());
    }
}
